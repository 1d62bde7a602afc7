import { createServer, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A WebPlus-like column on loopback whose pages are generated: `/list.htm` lists `articles` pages
 * `/a/<n>.htm`. Articles can be slow (`articleDelayMs`) or trickle their bytes forever
 * (`trickle`), can be made to answer a status instead (`setStatus`) and can be taken off the list
 * (`setListed`).
 */
export interface ColumnServer {
  base: string;
  /** Paths served, in order. */
  hits: string[];
  articleUrl(n: number): string;
  setStatus(n: number, status: number | undefined): void;
  setListed(n: number, listed: boolean): void;
  close(): Promise<void>;
}

const CHARS =
  "党支部学习教育主题活动组织生活会议开展交流研讨志愿服务实践调研座谈书记委员发展对象入党积极分子理论宣讲";

/** Text that no other article of the column resembles, so none is taken for a near-duplicate. */
function articleText(n: number): string {
  let seed = n * 7919 + 17;
  let text = "";
  for (let i = 0; i < 160; i++) {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    text += CHARS[seed % CHARS.length];
    if (i % 40 === 39) text += "。";
  }
  return text;
}

function articlePage(n: number): string {
  return `<!doctype html><html><head><meta charset="utf-8"><title>第${n}条</title></head><body>
<h1>第${n}党支部开展主题党日活动</h1><p>发布时间：2024-05-0${(n % 9) + 1}</p>
<div class="wp_articlecontent"><p>${articleText(n)}</p></div></body></html>`;
}

function trickleForever(res: ServerResponse): void {
  res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
  res.write("<!doctype html><html><body>");
  const timer = setInterval(() => res.write(" "), 50);
  res.on("close", () => clearInterval(timer));
}

export async function startColumnServer(
  options: { articles: number; articleDelayMs?: number; trickle?: "list" | "articles" } = { articles: 5 },
): Promise<ColumnServer> {
  const hits: string[] = [];
  const statuses = new Map<number, number>();
  const unlisted = new Set<number>();
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? "/", "http://column").pathname;
    hits.push(path);
    if (path === "/list.htm") {
      if (options.trickle === "list") return trickleForever(res);
      const items = Array.from({ length: options.articles }, (_, n) => n)
        .filter((n) => !unlisted.has(n))
        .map(
          (n) =>
            `<li class="news"><span class="news_title"><a href="/a/${n}.htm">第${n}党支部开展主题党日活动</a></span><span class="news_meta">2024-05-0${(n % 9) + 1}</span></li>`,
        );
      res
        .writeHead(200, { "content-type": "text/html; charset=utf-8" })
        .end(
          `<html><body><div id="wp_news_w6"><ul class="news_list">${items.join("")}</ul></div></body></html>`,
        );
      return;
    }
    const article = /^\/a\/(\d+)\.htm$/.exec(path);
    if (!article) return void res.writeHead(404).end();
    const n = Number(article[1]);
    const status = statuses.get(n);
    if (status !== undefined) return void res.writeHead(status, { "content-type": "text/html" }).end("gone");
    if (options.trickle === "articles") return trickleForever(res);
    const send = () => res.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(articlePage(n));
    if (options.articleDelayMs) {
      const timer = setTimeout(send, options.articleDelayMs);
      res.on("close", () => clearTimeout(timer));
    } else send();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    base,
    hits,
    articleUrl: (n) => `${base}/a/${n}.htm`,
    setStatus: (n, status) => (status === undefined ? statuses.delete(n) : statuses.set(n, status)),
    setListed: (n, listed) => (listed ? unlisted.delete(n) : unlisted.add(n)),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
