import { normaliseText } from "./text.ts";

/**
 * Page furniture that survives extraction as whole lines: counters, share bars, paging, captions.
 * Character classes such as `[点點]` accept the traditional spelling that big5 mirrors use.
 */
const CHROME_LINES = [
  /^([点點][击擊]([数數量]|次[数數])|[浏瀏][览覽](次[数數]|量)|[阅閱][读讀](次[数數]|量)|[访訪][问問](量|次[数數]))\s*[:：]?\s*\d*\s*次?$/,
  /^(分享到|分享至|扫一扫|掃一掃|打印本[页頁]|【?打印】?|【?[关關][闭閉]】?|[关關][闭閉][窗視]口|返回[顶頂]部|返回列表|收藏)[:：]?/,
  /^(上一篇|下一篇|上一[条條]|下一[条條])\s*[:：]/,
  /^([发發][布表]([时時][间間]|日期)|更新[时時][间間])\s*[:：].{0,80}$/,
  /^(首[页頁]|[当當]前位置|您的位置|您[现現]在的位置|所在位置|位置)\s*[:：]?\s*.*(>|»|›|＞|→)/,
  /^[图圖]\d*$/,
  /^(附件|相关附件)\s*[:：]?$/,
  /^(转入文章首发地址|[阅閱][读讀]原文|原文[链鏈]接|原文地址)$/,
  /^!\[[^\]]*\]\([^)]*\)$/,
];

const REVIEWER_ROLES = "[审審]稿|[审審][核覈]|[终終][审審]|[审審][签簽]|[责責]任[编編][辑輯]|[责責][编編]";
const AUTHOR_ROLES = "通[讯訊][员員]|撰稿|撰文|作者|文字|供稿";
const NAME = "[\\u4e00-\\u9fa5·]{2,4}";
/** Names separated by spaces or 、, stopping before the next role word (`张三 审核：李四`). */
const NAMES = `${NAME}(?:[ 、,，](?!${REVIEWER_ROLES}|${AUTHOR_ROLES})${NAME})*`;
const CREDIT_ROLES = `${REVIEWER_ROLES}|${AUTHOR_ROLES}|[编編][辑輯]|[摄攝][影]|[图圖]片|文|[图圖]`;
/** A role must be followed by a separator, so 作者发表 in running text is not a byline. */
const REVIEWER = new RegExp(`(?:${REVIEWER_ROLES})(?:\\s*[:：/]\\s*|\\s+)(${NAMES})`);
const AUTHOR = new RegExp(`(?:${AUTHOR_ROLES})(?:\\s*[:：/]\\s*|\\s+)(${NAMES})`);
/** A closing credit such as `(审稿 周丹)`, `(通讯员 何振)` or `（撰稿：张三 审核：李四）` at the end of the text. */
const TRAILING_CREDITS = new RegExp(
  `\\s*[(（][^()（）]*(?:${REVIEWER_ROLES}|${AUTHOR_ROLES}|[编編][辑輯])[^()（）]*[)）]\\s*$`,
);
/** A line that is only credits: `撰稿：张三  审核：李四`. */
const CREDIT_LINE = new RegExp(
  `^[(（]?\\s*(?:(?:${CREDIT_ROLES})(?:\\s*[:：/]\\s*|\\s+)${NAMES}\\s*)+[)）]?$`,
);

export function isChromeLine(line: string): boolean {
  return CHROME_LINES.some((pattern) => pattern.test(line));
}

export interface CleanBody {
  text: string;
  author?: string;
  reviewer?: string;
}

function names(match: RegExpExecArray | null): string | undefined {
  return match?.[1]?.replace(/[、,，]/g, " ").trim() || undefined;
}

/**
 * Cleans extracted body text: drops furniture lines, takes author and reviewer credits out into
 * fields (a closing credit line is removed, an inline `(通讯员 …)` byline stays in the text).
 */
export function cleanBody(raw: string): CleanBody {
  const lines = normaliseText(raw.replace(/\n?<!--more-->\n?/g, ""))
    .split("\n")
    .filter((line) => !isChromeLine(line));
  const head = lines.slice(0, 3).join("\n");
  const tail = lines.slice(-3).join("\n");
  const reviewer = names(REVIEWER.exec(tail));
  const author = names(AUTHOR.exec(tail)) ?? names(AUTHOR.exec(head));

  while (lines.length > 0 && CREDIT_LINE.test(lines[lines.length - 1] ?? "")) lines.pop();
  const last = lines.length - 1;
  if (last >= 0) lines[last] = (lines[last] ?? "").replace(TRAILING_CREDITS, "");
  return {
    text: lines.filter((line) => line !== "").join("\n"),
    ...(author ? { author } : {}),
    ...(reviewer ? { reviewer } : {}),
  };
}
