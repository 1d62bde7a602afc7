import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { createLogger } from "../../src/logger.ts";

describe("logger", () => {
  it("never writes the bot token, whatever carries it", async () => {
    const token = "123456:AAH-secret-token-value-0123456789";
    const lines: string[] = [];
    const destination = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        lines.push(chunk.toString());
        callback();
      },
    });
    const logger = createLogger({ level: "info", secrets: [token, undefined], destination });
    logger.info({ url: `https://api.telegram.org/bot${token}/getMe` }, "calling");
    logger.error(new Error(`request to /bot${token}/sendMessage failed`));
    logger.child({ updateId: 1 }).warn(token);
    await new Promise((r) => setImmediate(r));
    expect(lines).toHaveLength(3);
    for (const line of lines) {
      expect(line).not.toContain("secret-token");
      expect(line).toContain("[REDACTED]");
    }
  });
});
