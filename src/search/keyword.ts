import { compileLexicon } from "./lexicon.ts";
import { fold } from "./normalize.ts";
import { planQuery, schoolTerm } from "./query.ts";
import { documentTerms } from "./tokenizer.ts";
import type { Lexicon } from "./types.ts";

/**
 * Whether a document is about `keyword`, judged as search judges it: every concept of the keyword
 * (with its synonyms and abbreviations) appears in the title, body or school. Used by digest
 * subscriptions' include/exclude keywords, so 样板支部 matches 样板党支部 as a search would.
 */
export function matchesKeyword(
  doc: { title: string; text: string; school: string },
  keyword: string,
  lexicon: Lexicon,
): boolean {
  const compiled = compileLexicon(lexicon);
  const plan = planQuery(keyword, compiled, { now: new Date(0) });
  if (plan.concepts.length === 0) return false;
  const terms = new Set(documentTerms(`${doc.title}\n${doc.text}`, compiled.dictionary));
  const school = fold(doc.school.trim());
  terms.add(schoolTerm(compiled.canonicalOf.get(school) ?? school));
  // As in search, optional concepts are required only when there is nothing else.
  const required = plan.concepts.filter((concept) => !concept.optional);
  return (required.length > 0 ? required : plan.concepts).every((concept) =>
    concept.alternatives.some((alternative) => alternative.terms.every((term) => terms.has(term))),
  );
}
