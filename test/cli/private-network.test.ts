import { execFile } from "node:child_process";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFixtureSites, type FixtureSites } from "../support/fixture-server.ts";
import { createTestRedis, TEST_REDIS_URL } from "../support/redis.ts";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));

interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
}

function runCli(script: string, args: string[], env: Record<string, string> = {}): Promise<Outcome> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ["--import", "tsx", join(ROOT, script), ...args],
      { cwd: ROOT, env: { ...process.env, LOG_LEVEL: "silent", ...env }, timeout: 60_000 },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe("command-line refusals", () => {
  let sites: FixtureSites;
  beforeAll(async () => {
    sites = await startFixtureSites();
  });
  afterAll(() => sites.close());

  it("source:check names the refused address in Chinese, and checks it with --allow-private-network", async () => {
    const url = sites.url("webplus-a", "/523/list.htm").replace("127.0.0.1", "2130706433");
    const before = sites.requests.length;
    const refused = await runCli("src/cli/source-check.ts", [url, "--limit", "0"]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("检查失败: 拒绝访问 127.0.0.1：这是本机回环地址");
    expect(refused.stderr).toContain("--allow-private-network");
    expect(sites.requests.length).toBe(before);

    const allowed = await runCli("src/cli/source-check.ts", [url, "--limit", "0", "--allow-private-network"]);
    expect(allowed.stdout).toContain("类型: webplus");
    expect(allowed.code).toBe(0);
  });

  it("extract refuses in Chinese, and with --json ends stdout with the error as a JSON object", async () => {
    const url = sites.url("webplus-a", "/523/list.htm").replace("127.0.0.1", "[::ffff:7f00:1]");
    const before = sites.requests.length;
    const refused = await runCli("src/cli/extract.ts", [url, "--json"]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("提取失败: 拒绝访问 ::ffff:7f00:1：这是本机回环地址");
    const last = JSON.parse(refused.stdout.trim().split("\n").at(-1) ?? "") as { error: { name: string } };
    expect(last.error.name).toBe("RefusedTargetError");
    expect(sites.requests.length).toBe(before);
  });

  it("ingest prints the refusal for the source, and fetches it with --allow-private-network", async () => {
    const t = createTestRedis();
    try {
      const dir = await mkdtemp(join(tmpdir(), "zhibu-cli-"));
      const url = sites.url("webplus-b", "/xwdt/list.htm");
      await writeFile(
        join(dir, "sources.yaml"),
        `sources:\n  - id: lan\n    name: 局域网站点\n    kind: webplus\n    url: ${url}\n`,
      );
      const env = { DATA_DIR: dir, REDIS_URL: TEST_REDIS_URL, REDIS_PREFIX: t.prefix };
      const before = sites.requests.length;
      const refused = await runCli("src/cli/ingest.ts", [], env);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain("失败 lan: 拒绝访问 127.0.0.1：这是本机回环地址");
      expect(sites.requests.length).toBe(before);

      const allowed = await runCli("src/cli/ingest.ts", ["--allow-private-network"], env);
      expect(allowed.stdout).toContain("新增 new 2");
      expect(allowed.code).toBe(0);
    } finally {
      await t.cleanup();
    }
  });
});
