import { normaliseText } from "./text.ts";

/** Page furniture that survives extraction as whole lines: counters, share bars, paging, captions. */
const CHROME_LINES = [
  /^(点击数|点击量|点击次数|浏览次数|浏览量|阅读次数|阅读量|访问量|访问次数)\s*[:：]?\s*\d*\s*(次)?$/,
  /^(分享到|分享至|扫一扫|打印本页|【?打印】?|【?关闭】?|关闭窗口|返回顶部|返回列表|收藏)[:：]?/,
  /^(上一篇|下一篇|上一条|下一条)\s*[:：]/,
  /^(首页|当前位置|您的位置|您现在的位置|所在位置|位置)\s*[:：]?\s*.*(>|»|›|＞|→)/,
  /^图\d*$/,
  /^!\[[^\]]*\]\([^)]*\)$/,
];

const NAME = "[\\u4e00-\\u9fa5·]{2,4}";
const NAMES = `${NAME}(?:[ 、,，]${NAME})*`;
const REVIEWER = new RegExp(`(?:审稿|审核|终审|审签|责任编辑|责编)\\s*[:：/]?\\s*(${NAMES})`);
const AUTHOR = new RegExp(`(?:通讯员|撰稿|撰文|作者|文字|供稿|文\\s*/)\\s*[:：/]?\\s*(${NAMES})`);
/** A closing credit such as `(审稿 周丹)` or `（撰稿：张三 审核：李四）` at the end of the text. */
const TRAILING_CREDITS =
  /\s*[(（][^()（）]*(?:审稿|审核|终审|审签|责任编辑|责编|撰稿|编辑)[^()（）]*[)）]\s*$/;
/** A line that is only credits: `撰稿：张三  审核：李四`. */
const CREDIT_LINE =
  /^[(（]?\s*(?:(?:撰稿|撰文|审稿|审核|终审|审签|责任编辑|责编|编辑|作者|通讯员|文字|供稿|摄影|图片|文|图)\s*[:：/]?\s*[\u4e00-\u9fa5·]{2,4}(?:[ 、,，][\u4e00-\u9fa5·]{2,4})*\s*)+[)）]?$/;

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
