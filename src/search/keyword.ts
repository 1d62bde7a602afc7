import { compileLexicon, type CompiledLexicon } from "./lexicon.ts";
import { fold } from "./normalize.ts";
import { planQuery, schoolTerm, type Concept } from "./query.ts";
import { documentTerms } from "./tokenizer.ts";
import type { Lexicon } from "./types.ts";

type KeywordDoc = { title: string; text: string; school: string };

/** A document's terms as search indexes them, its school as a school term. */
function termsOf(doc: KeywordDoc, compiled: CompiledLexicon): Set<string> {
  const terms = new Set(documentTerms(`${doc.title}\n${doc.text}`, compiled.dictionary));
  const school = fold(doc.school.trim());
  terms.add(schoolTerm(compiled.canonicalOf.get(school) ?? school));
  return terms;
}

const hasConcept = (terms: ReadonlySet<string>, concept: Concept) =>
  concept.alternatives.some((alternative) => alternative.terms.every((term) => terms.has(term)));

/**
 * Whether a document is about `keyword`, judged as search judges it: every concept of the keyword
 * (with its synonyms and abbreviations) appears in the title, body or school. Used by digest
 * subscriptions' include/exclude keywords, so 样板支部 matches 样板党支部 as a search would.
 */
export function matchesKeyword(doc: KeywordDoc, keyword: string, lexicon: Lexicon): boolean {
  const compiled = compileLexicon(lexicon);
  const plan = planQuery(keyword, compiled, { now: new Date(0) });
  if (plan.concepts.length === 0) return false;
  const terms = termsOf(doc, compiled);
  // As in search, optional concepts are required only when there is nothing else.
  const required = plan.concepts.filter((concept) => !concept.optional);
  return (required.length > 0 ? required : plan.concepts).every((concept) => hasConcept(terms, concept));
}

/**
 * The words of a query that none of `docs` holds in any spelling: what the best answers to a
 * partly answered question leave out, as the user wrote it. Dates and stop words are no words here.
 */
export function wordsNotFound(query: string, docs: readonly KeywordDoc[], lexicon: Lexicon): string[] {
  const compiled = compileLexicon(lexicon);
  const plan = planQuery(query, compiled, { now: new Date(0) });
  const termSets = docs.map((doc) => termsOf(doc, compiled));
  const missing = plan.concepts
    .filter((concept) => !concept.optional && !termSets.some((terms) => hasConcept(terms, concept)))
    .map((concept) => concept.text);
  return joinNeighbours(missing, query);
}

/** Words written together in the query read as one (火星 + 探测 → 火星探测), as the user typed them. */
function joinNeighbours(words: readonly string[], query: string): string[] {
  const joined: string[] = [];
  for (const word of words) {
    const last = joined.at(-1);
    if (last !== undefined && query.includes(last + word)) joined[joined.length - 1] = last + word;
    else joined.push(word);
  }
  return joined;
}
