import { createHash } from "node:crypto";

/**
 * Body text as stored: one paragraph per line, no blank lines, no stray spaces. Full-width
 * punctuation is left alone because it is what readers see on the original page.
 */
export function normaliseText(text: string): string {
  return text
    .replace(/\r\n?/g, "\n")
    .replace(/[\u00a0\u2002-\u200b\u3000\ufeff]/g, " ")
    .split("\n")
    .map((line) => line.replace(/[ \t]+/g, " ").trim())
    .filter((line) => line !== "" && line !== "undefined" && line !== "null")
    .join("\n");
}

/** Collapses everything that does not change meaning, so mirrors and re-flows compare equal. */
export function comparableText(text: string): string {
  return text
    .normalize("NFKC")
    .toLowerCase()
    .replace(/[\s\p{P}\p{S}]+/gu, "");
}

export function contentHash(text: string): string {
  return createHash("sha256").update(comparableText(text)).digest("base64url").slice(0, 22);
}

/** Titles carry site chrome on mirrors and in <title>: `学校->标题 | host`, `标题-学院新闻网`. */
export function cleanTitle(title: string): string {
  let cleaned = normaliseText(title).replace(/\n/g, " ");
  cleaned = cleaned.replace(/^[^>]{1,40}->\s*/, "");
  cleaned = cleaned.replace(/\s+\|\s+[\w.-]+\.[a-z]{2,}\s*$/i, "");
  return cleaned.trim();
}
