import { parseArgs } from "node:util";
import { Redis } from "ioredis";
import { systemClock } from "../clock.ts";
import { parseConfig, readEnvironment } from "../config.ts";
import { messageForPeople } from "../errors.ts";
import type { IngestSummary } from "../ingest/pipeline.ts";
import { runIngestion, type IngestFailure } from "../ingest/run.ts";
import { createLogger } from "../logger.ts";
import { resolveRedis } from "../runtime/redis-server.ts";
import { createProgress } from "./progress.ts";
import { exitWithFailure } from "./cli-failure.ts";

const USAGE = `用法 (usage): npm run ingest -- [--source ID | PATH] [--allow-private-network]
  不带参数：抓取 data/sources.yaml 中所有启用的来源
  --source ID：只抓取这个来源
  PATH：读入一个文件夹（或文件）中的 Markdown / 网页文本文章
  --allow-private-network：允许这次抓取访问内网、本机地址（同 sources.yaml 的 allowPrivateNetwork: true）
`;

function formatFailure(failure: IngestFailure): string {
  return `失败 ${failure.sourceId}${failure.url ? ` ${failure.url}` : ""}: ${messageForPeople(failure.error)}`;
}

function formatSummary(summary: IngestSummary): string {
  return [
    `抓取 fetched ${summary.fetched}`,
    `新增 new ${summary.new}`,
    `更新 changed ${summary.changed}`,
    `未变 unchanged ${summary.unchanged}`,
    `重复 duplicates ${summary.duplicates}`,
    `失败 failed ${summary.failed}`,
  ].join(" · ");
}

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: {
      source: { type: "string" },
      "allow-private-network": { type: "boolean", default: false },
      help: { type: "boolean", short: "h" },
    },
    allowPositionals: true,
  });
  if (values.help || positionals.length > 1 || (values.source && positionals.length > 0)) {
    process.stderr.write(USAGE);
    return values.help ? 0 : 2;
  }
  const config = parseConfig(readEnvironment());
  const logger = createLogger({ level: config.logLevel });
  const redisServer = await resolveRedis({ redisUrl: config.redisUrl, dataDir: config.dataDir, logger });
  const redis = new Redis(redisServer.url, { maxRetriesPerRequest: 3 });
  const progress = createProgress(process.stderr);
  try {
    const summary = await runIngestion(
      {
        redis,
        prefix: config.redisPrefix,
        dataDir: config.dataDir,
        logger,
        clock: systemClock,
        onProgress: (p) => progress.update(p),
        onFailure: (failure) => {
          progress.finish();
          process.stderr.write(`${formatFailure(failure)}\n`);
        },
      },
      {
        ...(values.source ? { sourceId: values.source } : {}),
        ...(positionals[0] ? { path: positionals[0] } : {}),
        allowPrivateNetwork: values["allow-private-network"],
      },
    );
    progress.finish();
    process.stdout.write(`${formatSummary(summary)}\n`);
    return summary.failed > 0 ? 1 : 0;
  } finally {
    await redis.quit();
    await redisServer.stop();
  }
}

const argv = process.argv.slice(2);
main(argv).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => exitWithFailure("入库失败", error, argv),
);
