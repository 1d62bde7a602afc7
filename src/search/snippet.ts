import { fold } from "./normalize.ts";
import type { ParsedQuery, SnippetPart } from "./types.ts";

const DEFAULT_MAX_CHARS = 160;
const ELLIPSIS = "…";
/** Characters of context kept before the first match when a sentence must be cut. */
const LEAD_CONTEXT = 24;

interface Sentence {
  start: number;
  end: number;
}

function sentencesOf(text: string): Sentence[] {
  const sentences: Sentence[] = [];
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const char = text[i]!;
    if ("。！？!?；;\n".includes(char)) {
      if (text.slice(start, i + 1).trim()) sentences.push({ start, end: i + 1 });
      start = i + 1;
    }
  }
  if (text.slice(start).trim()) sentences.push({ start, end: text.length });
  return sentences;
}

/** Non-overlapping [start, end) spans of the terms in folded text, longer terms first. */
function matchSpans(folded: string, terms: string[]): [number, number][] {
  const taken = new Uint8Array(folded.length);
  const spans: [number, number][] = [];
  for (const term of terms) {
    let from = folded.indexOf(term);
    while (from >= 0) {
      const end = from + term.length;
      if (!taken.subarray(from, end).some(Boolean)) {
        taken.fill(1, from, end);
        spans.push([from, end]);
      }
      from = folded.indexOf(term, end);
    }
  }
  return spans.sort((a, b) => a[0] - b[0]);
}

function sentenceScore(folded: string, terms: string[]): number {
  let score = 0;
  for (const term of terms) if (folded.includes(term)) score += 1 + term.length / 4;
  return score;
}

function trimRange(text: string, start: number, end: number): [number, number] {
  while (start < end && /\s/.test(text[start]!)) start++;
  while (end > start && /\s/.test(text[end - 1]!)) end--;
  return [start, end];
}

/**
 * The sentence (or two) of the body that best answers the query, its matched terms marked, cut
 * to `maxChars` around the first match.
 */
export function makeSnippet(
  doc: { title: string; text: string },
  query: ParsedQuery,
  maxChars = DEFAULT_MAX_CHARS,
): SnippetPart[] {
  const text = doc.text.trim() ? doc.text : doc.title;
  const folded = fold(text);
  const terms = [...new Set(query.terms.filter((term) => term.length > 0))].sort(
    (a, b) => b.length - a.length,
  );
  const sentences = sentencesOf(text);
  if (sentences.length === 0) return [];
  let bestIndex = 0;
  let bestScore = 0;
  sentences.forEach((sentence, index) => {
    const score = sentenceScore(folded.slice(sentence.start, sentence.end), terms);
    if (score > bestScore) {
      bestScore = score;
      bestIndex = index;
    }
  });
  const best = sentences[bestIndex]!;
  let [start, end] = trimRange(text, best.start, best.end);
  const next = sentences[bestIndex + 1];
  if (next && next.end - start <= maxChars) end = trimRange(text, start, next.end)[1];
  const spans = matchSpans(folded.slice(start, end), terms).map(
    ([a, b]) => [a + start, b + start] as [number, number],
  );
  let prefix = "";
  let suffix = "";
  if (end - start > maxChars) {
    // Room for the text between the two ellipses that a cut in the middle needs.
    const room = maxChars - 2;
    const firstMatch = spans[0]?.[0] ?? start;
    const windowStart = Math.max(start, Math.min(firstMatch - LEAD_CONTEXT, end - room));
    if (windowStart > start) prefix = ELLIPSIS;
    if (windowStart + room < end) suffix = ELLIPSIS;
    start = windowStart;
    end = Math.min(end, start + room);
  }
  const parts: SnippetPart[] = [];
  const push = (from: number, to: number, match: boolean): void => {
    if (to > from) parts.push({ text: text.slice(from, to), match });
  };
  let cursor = start;
  for (const [spanStart, spanEnd] of spans) {
    if (spanStart < cursor || spanEnd > end) continue;
    push(cursor, spanStart, false);
    push(spanStart, spanEnd, true);
    cursor = spanEnd;
  }
  push(cursor, end, false);
  if (prefix) parts.unshift({ text: prefix, match: false });
  if (suffix) parts.push({ text: suffix, match: false });
  return mergeAdjacent(parts);
}

function mergeAdjacent(parts: SnippetPart[]): SnippetPart[] {
  const merged: SnippetPart[] = [];
  for (const part of parts) {
    const last = merged[merged.length - 1];
    if (last && last.match === part.match) last.text += part.text;
    else merged.push({ ...part });
  }
  return merged;
}
