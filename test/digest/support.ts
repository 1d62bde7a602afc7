import type { Announcement } from "../../src/announcement.ts";
import type { KeywordDoc } from "../../src/digest/compose.ts";
import { createSourceDirectory } from "../../src/sources-directory.ts";

/** Stand-in for search's `matchesKeyword`; the real one is wired by the app. */
export const includesKeyword = (doc: KeywordDoc, keyword: string) =>
  `${doc.title}\n${doc.text}\n${doc.school}`.includes(keyword);

export const testSources = createSourceDirectory([
  { id: "cumt", name: "矿大党委组织部", school: "中国矿业大学" },
  { id: "nwpu", name: "西工大党建网", school: "西北工业大学" },
]);

let serial = 0;

export function makeAnnouncement(overrides: Partial<Announcement> = {}): Announcement {
  serial += 1;
  return {
    id: `a${serial}`,
    url: `https://news.example.edu.cn/${serial}.htm?a=1&b=2`,
    title: `样板党支部共建交流会 第${serial}期`,
    date: "2024-05-05",
    sourceId: "cumt",
    school: "中国矿业大学",
    text: "为深入学习贯彻党的二十大精神，支部开展共建活动。随后进行了交流。",
    contentHash: `h${serial}`,
    firstSeen: 1_714_900_000_000 + serial,
    alternates: [],
    ...overrides,
  };
}

/**
 * Checks what Telegram checks of an HTML message: tags balanced and properly nested, every `<`
 * part of a tag, every `&` an entity.
 */
export function assertValidTelegramHtml(text: string): void {
  const stack: string[] = [];
  const tag = /<(\/?)([a-z]+)(?:\s[^<>]*)?>/g;
  let last = 0;
  for (const match of text.matchAll(tag)) {
    const between = text.slice(last, match.index);
    if (between.includes("<") || between.includes(">"))
      throw new Error(`stray angle bracket near ${match.index}`);
    last = match.index + match[0].length;
    const [, closing, name = ""] = match;
    if (closing) {
      if (stack.pop() !== name) throw new Error(`unbalanced </${name}> at ${match.index}`);
    } else stack.push(name);
  }
  if (text.slice(last).includes("<")) throw new Error("stray < at end");
  if (stack.length > 0) throw new Error(`unclosed <${stack.join(">, <")}>`);
  for (const amp of text.matchAll(/&/g)) {
    if (!/^&(amp|lt|gt|quot|#\d+);/.test(text.slice(amp.index))) throw new Error(`bare & at ${amp.index}`);
  }
}
