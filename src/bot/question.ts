/** Longest question we search for; anything longer is a paste, not a question. */
export const QUESTION_LIMIT = 200;

/** Turns what a user typed into a question: no control characters, single spaces, bounded length. */
export function cleanQuestion(text: string): string {
  const cleaned = text
    .replace(/[\p{Cc}\p{Cf}\p{Cs}]/gu, " ")
    .replace(/\s+/g, " ")
    .trim();
  return [...cleaned].slice(0, QUESTION_LIMIT).join("");
}

/** The text of a group message that mentions the bot, without the mention. */
export function stripMention(text: string, username: string): string {
  return text.replace(new RegExp(`@${username}\\b`, "gi"), " ");
}

const GREETING =
  /^(?:你好|您好|大家好|哈喽|哈啰|嗨|hi|hello|hey|在吗|在么|在不在|有人吗|早上好|下午好|晚上好|早安|晚安|早|喂)+$/i;

/** Whether a question is only a greeting (你好, hi, 在吗), which wants a hint, not a search. */
export function isGreeting(question: string): boolean {
  return GREETING.test(question.replace(/[\s\p{P}\p{S}]/gu, ""));
}
