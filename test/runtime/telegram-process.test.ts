import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FakeTelegram } from "../support/fake-telegram.ts";
import { processEnvironment } from "../support/process-env.ts";
import { createTestRedis } from "../support/redis.ts";
import { textMessage } from "../support/updates.ts";

/** `npm start` with a token, as an operator runs it, against the fake Bot API. */
describe("zhibu serving Telegram by long polling", () => {
  const telegram = new FakeTelegram();
  const prefix = `{zt-proc-${randomBytes(4).toString("hex")}}`;
  let child: ChildProcess;
  let stderr = "";

  beforeAll(async () => {
    await telegram.start();
    child = spawn(process.execPath, ["--import", "tsx", "src/main.ts", "all"], {
      env: processEnvironment(telegram, prefix),
      stdio: ["ignore", "ignore", "pipe"],
    });
    child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  });

  afterAll(async () => {
    child.kill("SIGKILL");
    await telegram.stop();
    const t = createTestRedis();
    const keys = await t.redis.keys(`${prefix}*`);
    if (keys.length > 0) await t.redis.del(...keys);
    await t.cleanup();
  });

  it("registers its commands, answers a question from the sample data, and shuts down on SIGTERM", async () => {
    // Start-up: seconds on a quiet machine, far more on a busy shared one.
    await telegram.waitFor(
      "setMyCommands",
      (c) => (c.payload.scope as { type: string }).type === "all_chat_administrators",
      // Start-up ingests the sample corpus first, which takes long on a busy machine.
      60_000,
    );
    telegram.pushUpdate(textMessage("/ask 共建交流会"));
    const reply = await telegram.waitFor("sendMessage");
    expect(String(reply.payload.text)).toContain(
      "【全国样板党支部交流活动】我校材料科学与工程研究生第二党支部联合西北工业大学碳材料师生融合党支部举行线上共建交流会",
    );

    const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
    child.kill("SIGTERM");
    const code = await exited;
    expect(code).toBe(0);
    expect(stderr).toContain('"msg":"shutting down"');
    expect(stderr).not.toContain(telegram.token);
    expect(stderr).not.toMatch(/"level":(50|60)/);
  }, 90_000);
});
