import type { Announcement } from "../../src/announcement.ts";
import type { AnswerService } from "../../src/answers.ts";
import { createSourceDirectory } from "../../src/sources-directory.ts";

export const demoSources = createSourceDirectory([{ id: "demo", name: "示例数据", school: "中国矿业大学" }]);

const announcement = (n: number): Announcement => ({
  id: `a${n}`,
  url: `https://news.example.edu.cn/${n}/page.htm`,
  title: `第${n}条 样板党支部共建交流会`,
  date: "2024-05-05",
  sourceId: "demo",
  school: "中国矿业大学",
  text: "正文。",
  contentHash: `h${n}`,
  firstSeen: 0,
  alternates: [],
});

/** The same five answers to every question: for tests of the bot's flow, not of search. */
export function sameAnswers(count = 5): AnswerService {
  const found = Array.from({ length: count }, (_, i) => announcement(i + 1));
  return {
    find: (question, { offset, limit }) =>
      Promise.resolve({
        query: { raw: question, terms: [question], filters: {} },
        total: found.length,
        offset,
        items: found.slice(offset, offset + limit).map((a) => ({
          announcement: a,
          snippet: [
            { text: "两校支部举行", match: false },
            { text: "共建", match: true },
            { text: "交流。", match: false },
          ],
        })),
        suggestions: [],
      }),
  };
}
