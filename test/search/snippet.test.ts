import { describe, expect, it } from "vitest";
import { makeSnippet, type ParsedQuery, type SnippetPart } from "../../src/search/index.ts";

const query = (...terms: string[]): ParsedQuery => ({ raw: terms.join(" "), terms, filters: {} });
const render = (parts: SnippetPart[]): string =>
  parts.map((part) => (part.match ? `[${part.text}]` : part.text)).join("");

const doc = {
  title: "研究生党支部清明祭扫烈士陵园",
  text: [
    "为深入学习贯彻党的二十大精神，学院党委高度重视。",
    "4月3日，研究生第二党支部前往烈士陵园开展清明祭扫活动。",
    "党员们敬献花篮，重温入党誓词。",
    "活动结束后，大家表示深受教育。",
  ].join("\n"),
};

describe("makeSnippet", () => {
  it("chooses the sentence that matches most of the query and marks the matches", () => {
    const text = render(makeSnippet(doc, query("烈士陵园", "祭扫")));
    expect(text.startsWith("4月3日，研究生第二党支部前往[烈士陵园]开展清明[祭扫]活动。")).toBe(true);
  });

  it("adds the following sentence when both fit", () => {
    expect(render(makeSnippet(doc, query("烈士陵园")))).toContain("重温入党誓词");
  });

  it("marks matches in Traditional text with the original characters", () => {
    const traditional = { title: "", text: "黨員們前往烈士陵園開展清明祭掃活動。" };
    expect(render(makeSnippet(traditional, query("烈士陵园", "祭扫")))).toBe(
      "黨員們前往[烈士陵園]開展清明[祭掃]活動。",
    );
  });

  it("cuts a long sentence around the first match", () => {
    const long = {
      title: "",
      text: `${"党员们认真学习了相关文件精神并进行了充分讨论，".repeat(10)}最后大家一起参观了校史馆。`,
    };
    const parts = makeSnippet(long, query("校史馆"), 60);
    const text = parts.map((part) => part.text).join("");
    expect(text.length).toBeLessThanOrEqual(60);
    expect(parts.some((part) => part.match && part.text === "校史馆")).toBe(true);
    expect(text.startsWith("…")).toBe(true);
  });

  it("falls back to the opening sentence when nothing matches, and to the title without a body", () => {
    expect(render(makeSnippet(doc, query("读书会")))).toMatch(/^为深入学习/);
    expect(render(makeSnippet({ title: "支部读书会", text: "" }, query("读书会")))).toBe("支部[读书会]");
    expect(makeSnippet({ title: "", text: "" }, query("读书会"))).toEqual([]);
  });
});
