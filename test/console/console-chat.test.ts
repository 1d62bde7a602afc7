import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { HELP_EXAMPLES } from "../../src/bot/help.ts";
import { htmlToTerminal } from "../../src/console/render.ts";
import { TEST_REDIS_URL, createTestRedis } from "../support/redis.ts";

/** Runs `src/main.ts all` as `npm start` does, with no token, typing `input` and closing it. */
function runConsole(
  input: string,
  prefix: string,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts", "all"], {
      env: { PATH: process.env.PATH, REDIS_URL: TEST_REDIS_URL, REDIS_PREFIX: prefix, LOG_LEVEL: "warn" },
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.once("error", reject);
    child.once("exit", (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input);
  });
}

describe("the local chat (npm start without BOT_TOKEN)", () => {
  const prefix = `{zt-console-${randomBytes(4).toString("hex")}}`;
  afterAll(async () => {
    const t = createTestRedis();
    const keys = await t.redis.keys(`${prefix}*`);
    if (keys.length > 0) await t.redis.del(...keys);
    await t.cleanup();
  });

  it("answers /ask 共建交流会 with the seed article first, pages, and exits at the end of input", async () => {
    const { code, stdout, stderr } = await runConsole(
      "/ask 共建交流会\n/ask 主题党日\n更多\n/nosuch\n",
      prefix,
    );
    expect(stderr).not.toMatch(/Error|unhandled/i);
    expect(code).toBe(0);
    const answers = stdout.split("🤖").map((s) => s.trim());
    const first = answers.find((a) => a.startsWith("🔎 共建交流会"));
    expect(first).toBeDefined();
    expect(first).toMatch(
      /^🔎 共建交流会：共 \d+ 条，第 1–\d 条\n\n1\. 【全国样板党支部交流活动】我校材料科学与工程研究生第二党支部联合西北工业大学碳材料师生融合党支部举行线上共建交流会\n {3}🔗 https:\/\/xwzx\.cumt\.edu\.cn\/be\/08\/c523a638472\/page\.htm\n📅 2023-02-03 ｜ 中国矿业大学/,
    );
    const themeDay = answers.find((a) => a.startsWith("🔎 主题党日"));
    expect(themeDay).toContain("[更多]");
    expect(answers.some((a) => a.startsWith("（翻页） 🔎 主题党日") && a.includes("第 4–"))).toBe(true);
    expect(stdout).toContain("没有这个命令");
  }, 60_000);

  it("finds something for every example the help gives, though the samples are older than a month", async () => {
    const examples = [HELP_EXAMPLES.keyword, ...HELP_EXAMPLES.dates];
    const { code, stdout } = await runConsole(examples.map((q) => `/ask ${q}\n`).join(""), prefix);
    expect(code).toBe(0);
    for (const example of examples) expect(stdout).toMatch(new RegExp(`🔎 ${example}：共 [1-9]\\d* 条`));
    expect(stdout).toContain("内没有找到，下面是其他时间的结果");
  }, 60_000);
});

describe("terminal rendering", () => {
  it("shows bold as bold on a terminal, links with their address, entities decoded", () => {
    const html =
      '<b>1. <a href="https://x.example/a?b=1&amp;c=2">标题 &lt;一&gt; &amp; &quot;二&quot;</a></b>';
    expect(htmlToTerminal(html, false)).toBe('1. 标题 <一> & "二"\n   🔗 https://x.example/a?b=1&c=2');
    expect(htmlToTerminal("<b>共建</b>", true)).toBe("\x1b[1m共建\x1b[22m");
  });
});
