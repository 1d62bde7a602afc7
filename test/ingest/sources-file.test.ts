import { mkdtemp, rename, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { watchSourcesFile, type SourcesFile } from "../../src/ingest/sources-file.ts";
import { liveSourceDirectory } from "../../src/sources-directory.ts";

const source = (id: string, name: string, extra = "") =>
  `  - id: ${id}\n    name: ${name}\n    school: 示例大学\n    kind: rss\n    url: https://news.example.edu.cn/${id}.xml\n${extra}`;

describe("watched sources file", () => {
  let dir: string;
  let file: SourcesFile | undefined;
  afterEach(async () => {
    await file?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  async function watch(yaml: string) {
    dir = await mkdtemp(join(tmpdir(), "zhibu-sources-"));
    const path = join(dir, "sources.yaml");
    const errors: string[] = [];
    const logger = pino(
      { level: "error" },
      { write: (line: string) => errors.push((JSON.parse(line) as { msg: string }).msg) },
    );
    // Whole files, as an editor saves them.
    const save = async (text: string) => {
      await writeFile(`${path}.tmp`, `sources:\n${text}`);
      await rename(`${path}.tmp`, path);
    };
    await save(yaml);
    file = await watchSourcesFile({ path, logger, everyMs: 60_000 });
    return { file, save, errors };
  }

  it("shows a renamed, added or disabled source in the bot's directory after a reload", async () => {
    const { file, save } = await watch(source("a", "旧名"));
    const directory = liveSourceDirectory(file);
    expect(directory.get("a")?.name).toBe("旧名");

    await save(source("a", "新名") + source("b", "新来源", "    enabled: false\n"));
    await file.reload();
    expect(directory.get("a")?.name).toBe("新名");
    expect(directory.list().map((s) => [s.id, s.enabled])).toEqual([
      ["a", true],
      ["b", false],
    ]);
  });

  it("keeps the sources in force when an edit has an error, and logs it once", async () => {
    const { file, save, errors } = await watch(source("a", "旧名"));
    const changes: string[][] = [];
    file.onChange((sources) => void changes.push(sources.map((s) => s.name)));

    await save(source("a", "新名").replace("kind: rss", "kind: rsss"));
    await file.reload();
    await file.reload();
    expect(file.current().map((s) => s.name)).toEqual(["旧名"]);
    expect(changes).toEqual([]);
    expect(errors.filter((m) => m.includes("sources in force are kept"))).toHaveLength(1);

    await save(source("a", "新名"));
    await file.reload();
    expect(changes).toEqual([["新名"]]);
  });

  it("logs a listener that fails and still calls it on the next edit", async () => {
    const { file, save, errors } = await watch(source("a", "一"));
    let calls = 0;
    file.onChange(() => {
      calls++;
      throw new Error("queue unavailable");
    });
    await save(source("a", "二"));
    await file.reload();
    await save(source("a", "三"));
    await file.reload();
    expect(calls).toBe(2);
    expect(file.byId().get("a")?.name).toBe("三");
    expect(errors.filter((m) => m.includes("applying the reloaded sources file failed"))).toHaveLength(2);
  });
});
