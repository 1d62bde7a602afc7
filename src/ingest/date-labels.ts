import { parseDay } from "./dates.ts";

/**
 * What the label printed before a date says the date is: none, the day the page was published, the
 * day it was last revised, or some other day (a deadline, a meeting, an exam).
 */
export type DateLabel = "none" | "publication" | "revision" | "other";

export interface LabelledDay {
  day: string;
  label: DateLabel;
}

/**
 * Words before 时间/日期 naming the day a page was put up: the publishing verbs, and what a CMS
 * records as the page is entered (添加时间, 录入时间), which is when it went up.
 */
const PUBLICATION_WORDS =
  /(?:发布|發布|發佈|发表|發表|发文|發文|成文|印发|印發|发稿|發稿|生成|公开|公開|出版|上传|上傳|录入|錄入|添加|创建|創建)$/;
const REVISION_WORDS = /(?:更新|修改|更改|修订|修訂)$/;
/** A date label: the words before 时间/日期 (报名截止时间 has four), then a colon if one is printed. */
const LABEL = /(\p{Script=Han}{0,6})(?:时间|時間|日期)\s*[:：]?/gu;

function labelKind(words: string, before: string): DateLabel {
  if (words === "" || PUBLICATION_WORDS.test(words)) return "publication";
  if (REVISION_WORDS.test(words)) return "revision";
  // Spans run together (`来源：教务处时间：…`): words right after another label's colon are that
  // label's value, and this label is a bare 时间.
  if (/[:：]\s*$/.test(before)) return "publication";
  return "other";
}

/**
 * The days written in a piece of text, each with the label it is printed under: the text before
 * the first label is unlabelled, and each label reaches to the next one
 * (`发布时间：2024-05-05 更新时间：2024-05-08 截止时间：2024-06-01`).
 */
export function labelledDays(text: string): LabelledDay[] {
  const labels = [...text.matchAll(LABEL)];
  const segments = [{ label: "none" as DateLabel, text: text.slice(0, labels[0]?.index ?? text.length) }];
  labels.forEach((match, index) => {
    segments.push({
      label: labelKind(match[1] ?? "", text.slice(0, match.index)),
      text: text.slice(match.index + match[0].length, labels[index + 1]?.index ?? text.length),
    });
  });
  return segments.flatMap(({ label, text: segment }) => {
    const day = parseDay(segment);
    return day ? [{ day, label }] : [];
  });
}
