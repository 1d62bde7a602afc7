import { clip } from "../bot/format.ts";
import { isValidTimeZone } from "../clock.ts";
import type { SubscriptionSettings, Weekday } from "./subscription.ts";

const SUBSCRIBE_USAGE = [
  "用法：/subscribe [时间] [频率] [来源] [关键词]，都可省略（默认每天 08:00、全部来源）。",
  "• 时间：08:00 或 8点",
  "• 频率：每天，或 每周一 … 每周日",
  "• 来源：来源=cumt,nwpu（/sources 查看编号；来源=全部 恢复全部）",
  "• 关键词：+样板支部 只看含这个词的，-招聘 排除含这个词的；清除关键词 清空",
  "• 时区：时区=Asia/Shanghai",
  "• 回顾：回顾=3天 只推送最近 3 天内发布的公告（新订阅的第一期也是）",
  "例如：/subscribe 07:30 每周一 +主题党日 -招聘",
  "也可以用 /settings 按按钮设置。",
].join("\n");

const WEEKDAYS: Record<string, Weekday> = {
  日: 0,
  天: 0,
  一: 1,
  二: 2,
  三: 3,
  四: 4,
  五: 5,
  六: 6,
  sun: 0,
  mon: 1,
  tue: 2,
  wed: 3,
  thu: 4,
  fri: 5,
  sat: 6,
};

const KEYWORD_LIMIT = 10;
const LOOKBACK_LIMIT_DAYS = 90;
const KEYWORD_LENGTH = 20;
/** Words of any length may be typed; a refusal quotes this much of one. */
const ECHO_LENGTH = 20;
const echo = (word: string) => clip(word, ECHO_LENGTH);

export type ParseOutcome = { ok: true; settings: SubscriptionSettings } | { ok: false; error: string };

function withKeyword(list: readonly string[], keyword: string): string[] {
  return list.includes(keyword) ? [...list] : [...list, keyword];
}

/**
 * Applies `/subscribe` arguments to `current`. Unknown words are refused rather than ignored:
 * an admin who mistypes a source should learn it now, not when the digest stays empty.
 */
export function parseSubscribeArgs(
  text: string,
  current: SubscriptionSettings,
  knownSourceIds: ReadonlySet<string>,
): ParseOutcome {
  const settings: SubscriptionSettings = structuredClone(current);
  const fail = (error: string): ParseOutcome => ({ ok: false, error: `${error}\n\n${SUBSCRIBE_USAGE}` });
  for (const word of text.split(/\s+/).filter(Boolean)) {
    let match: RegExpExecArray | null;
    if ((match = /^(\d{1,2})(?:[:：](\d{2})|点)$/.exec(word))) {
      const hour = Number(match[1]);
      const minute = Number(match[2] ?? 0);
      if (hour > 23 || minute > 59) return fail(`时间「${echo(word)}」不对，请写成 08:00 这样。`);
      settings.schedule = { ...settings.schedule, hour, minute };
    } else if (/^(每天|每日|daily)$/i.test(word)) {
      delete settings.schedule.weekday;
    } else if ((match = /^(?:每周|周|星期|weekly-?)(.+)$/i.exec(word))) {
      const weekday = WEEKDAYS[(match[1] ?? "").toLowerCase()];
      if (weekday === undefined) return fail(`不认识「${echo(word)}」，请写 每周一 … 每周日。`);
      settings.schedule = { ...settings.schedule, weekday };
    } else if (/^(每周|weekly)$/i.test(word)) {
      settings.schedule = { ...settings.schedule, weekday: 1 };
    } else if ((match = /^(?:来源|sources?)[=:：](.+)$/i.exec(word))) {
      const ids = (match[1] ?? "").split(/[,，、]/).filter(Boolean);
      if (ids.length === 1 && /^(全部|all)$/i.test(ids[0] ?? "")) {
        settings.sourceIds = [];
        continue;
      }
      const unknown = ids.filter((id) => !knownSourceIds.has(id));
      if (unknown.length > 0)
        return fail(`没有这些来源：${echo(unknown.join("、"))}。发送 /sources 查看全部来源。`);
      settings.sourceIds = [...new Set(ids)];
    } else if ((match = /^(?:时区|tz)[=:：](.+)$/i.exec(word))) {
      const timezone = match[1] ?? "";
      if (!isValidTimeZone(timezone)) return fail(`不认识时区「${echo(timezone)}」，例如 Asia/Shanghai。`);
      settings.schedule = { ...settings.schedule, timezone };
    } else if ((match = /^(?:回顾|lookback)[=:：](\d{1,3})(?:天|d)?$/i.exec(word))) {
      const days = Number(match[1]);
      if (days < 1 || days > LOOKBACK_LIMIT_DAYS) return fail(`回顾天数请写 1 到 ${LOOKBACK_LIMIT_DAYS}。`);
      settings.lookbackDays = days;
    } else if ((match = /^[+＋](.+)$/.exec(word))) {
      const keyword = [...(match[1] ?? "")].slice(0, KEYWORD_LENGTH).join("");
      settings.includeKeywords = withKeyword(settings.includeKeywords, keyword);
      settings.excludeKeywords = settings.excludeKeywords.filter((k) => k !== keyword);
    } else if ((match = /^[-－](.+)$/.exec(word))) {
      const keyword = [...(match[1] ?? "")].slice(0, KEYWORD_LENGTH).join("");
      settings.excludeKeywords = withKeyword(settings.excludeKeywords, keyword);
      settings.includeKeywords = settings.includeKeywords.filter((k) => k !== keyword);
    } else if (/^(清除关键词|清空关键词)$/.test(word)) {
      settings.includeKeywords = [];
      settings.excludeKeywords = [];
    } else {
      return fail(`没看懂「${echo(word)}」。`);
    }
  }
  if (settings.includeKeywords.length + settings.excludeKeywords.length > KEYWORD_LIMIT) {
    return fail(`关键词最多 ${KEYWORD_LIMIT} 个。`);
  }
  return { ok: true, settings };
}
