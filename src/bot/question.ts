/** Longest question we search for; anything longer is a paste, not a question. */
export const QUESTION_LIMIT = 200;

/** Turns what a user typed into a question: no control characters, single spaces, bounded length. */
export function cleanQuestion(text: string): string {
  const cleaned = text
    .replace(/[\p{Cc}\p{Cf}]/gu, " ")
    .replace(/\s+/g, " ")
    .trim();
  return [...cleaned].slice(0, QUESTION_LIMIT).join("");
}

/** The text of a group message that mentions the bot, without the mention. */
export function stripMention(text: string, username: string): string {
  return text.replace(new RegExp(`@${username}\\b`, "gi"), " ");
}
