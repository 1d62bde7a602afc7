import { readFile } from "node:fs/promises";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { systemClock } from "../clock.ts";
import { createHttpClient } from "../ingest/http.ts";
import { articleOfPage, decodePage, type DecodedPage } from "../ingest/page.ts";
import { exitWithFailure } from "./cli-failure.ts";

const USAGE = `用法 (usage): npm run extract -- <url|file> [--json] [--allow-private-network] [--insecure]
  显示入库时会从一篇文章页中提取的内容（标题、日期、作者、正文），不写入任何数据。
  --json                    最后一行输出一个 JSON 对象
  --allow-private-network   允许访问内网与本机地址（校内网站、本机测试页）
  --insecure                不校验 TLS 证书
`;

async function load(
  target: string,
  options: { allowPrivateNetwork: boolean; insecureTls: boolean },
): Promise<DecodedPage> {
  if (/^https?:\/\//i.test(target)) {
    const response = await createHttpClient({ hostDelayMs: 0 }).fetch(target, {
      insecureTls: options.insecureTls,
      ...(options.allowPrivateNetwork ? { allowPrivateNetwork: true } : {}),
    });
    return decodePage(response.url, response.body, response.headers["content-type"]);
  }
  return decodePage(pathToFileURL(target).href, await readFile(target));
}

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: {
      json: { type: "boolean", default: false },
      "allow-private-network": { type: "boolean", default: false },
      insecure: { type: "boolean", default: false },
      help: { type: "boolean", short: "h" },
    },
    allowPositionals: true,
  });
  const target = positionals[0];
  if (values.help || !target || positionals.length > 1) {
    process.stderr.write(USAGE);
    return values.help ? 0 : 2;
  }
  const page = await load(target, {
    allowPrivateNetwork: values["allow-private-network"],
    insecureTls: values.insecure,
  });
  const article = articleOfPage(page, systemClock());
  if (values.json) {
    process.stdout.write(`${JSON.stringify({ kind: page.kind, charset: page.charset, ...article })}\n`);
    return 0;
  }
  const lines = [
    `地址: ${article.url}`,
    `类型: ${page.kind}  编码: ${page.charset}`,
    `标题: ${article.title || "（未找到）"}`,
    `日期: ${article.date ?? "（未找到）"}`,
    ...(article.author ? [`作者: ${article.author}`] : []),
    ...(article.origin ? [`来源: ${article.origin}`] : []),
    ...(article.reviewer ? [`审稿: ${article.reviewer}`] : []),
    "",
    article.text || "（没有正文）",
    ...(article.attachments ?? []),
  ];
  process.stdout.write(`${lines.join("\n")}\n`);
  return 0;
}

const argv = process.argv.slice(2);
main(argv).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => exitWithFailure("提取失败", error, argv),
);
