import { parseArgs } from "node:util";
import { createHttpClient } from "../ingest/http.ts";
import { checkSource, type SourceCheck } from "../ingest/source-check.ts";
import { createLogger } from "../logger.ts";
import { exitWithFailure } from "./cli-failure.ts";

const USAGE = `用法 (usage): npm run source:check -- <url> [--limit N] [--insecure] [--host HOST]… [--allow-private-network] [--json]
  显示一个栏目页或订阅源能抓到什么（识别的类型、条目标题与日期、正文开头），不写入任何数据。
  --limit N                 最多检查 N 篇文章（默认 5）
  --insecure                不校验 TLS 证书（证书有问题的站点）
  --host HOST               链接和重定向还可以去往的主机（同 sources.yaml 的 hosts:），可重复
  --allow-private-network   允许访问内网、本机地址（校内网站；同 sources.yaml 的 allowPrivateNetwork: true）
  --json                    最后一行输出一个 JSON 对象
`;

function formatCheck(check: SourceCheck): string {
  const lines = [
    `地址: ${check.url}`,
    `类型: ${check.kind}`,
    `编码: ${check.charset}`,
    `条目: ${check.itemCount}${check.itemCount > check.items.length ? `（显示前 ${check.items.length} 条）` : ""}`,
  ];
  if (check.itemCount === 0)
    lines.push("没有找到条目：列表选择器需要在 data/sources.yaml 中手动指定 (selectors.item)。");
  check.items.forEach((item, index) => {
    const article = item.article;
    lines.push("", `${index + 1}. ${article?.title || item.title}`);
    lines.push(`   日期: ${article?.date ?? item.date ?? "（未找到）"}`, `   链接: ${item.url}`);
    if (item.error) lines.push(`   错误: ${item.error}`);
    const body = article?.text.split("\n").slice(0, 3) ?? [];
    body.forEach((line, i) =>
      lines.push(
        `${i === 0 ? "   正文: " : "         "}${line.length > 80 ? `${line.slice(0, 80)}…` : line}`,
      ),
    );
    const credits = [
      article?.author && `作者：${article.author}`,
      article?.reviewer && `审稿：${article.reviewer}`,
    ].filter(Boolean);
    if (credits.length > 0) lines.push(`   ${credits.join("  ")}`);
  });
  return lines.join("\n");
}

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: {
      limit: { type: "string", default: "5" },
      insecure: { type: "boolean", default: false },
      host: { type: "string", multiple: true, default: [] },
      json: { type: "boolean", default: false },
      "allow-private-network": { type: "boolean", default: false },
      help: { type: "boolean", short: "h" },
    },
    allowPositionals: true,
  });
  const url = positionals[0];
  const limit = Number(values.limit);
  if (values.help || !url || positionals.length > 1 || !Number.isInteger(limit) || limit < 0) {
    process.stderr.write(USAGE);
    return values.help ? 0 : 2;
  }
  const check = await checkSource(url, {
    http: createHttpClient(),
    logger: createLogger({ level: "warn" }),
    limit,
    insecureTls: values.insecure,
    allowPrivateNetwork: values["allow-private-network"],
    hosts: values.host,
  });
  process.stdout.write(`${values.json ? JSON.stringify(check) : formatCheck(check)}\n`);
  return 0;
}

const argv = process.argv.slice(2);
main(argv).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => exitWithFailure("检查失败", error, argv),
);
