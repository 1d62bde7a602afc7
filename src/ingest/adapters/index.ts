import type { Adapter } from "../adapter.ts";
import type { SourceKind } from "../sources.ts";
import { filesAdapter } from "./files.ts";
import { htmlAdapter } from "./html.ts";
import { rssAdapter } from "./rss.ts";
import { vsbAdapter } from "./vsb.ts";
import { webplusAdapter } from "./webplus.ts";

export const ADAPTERS: Record<SourceKind, Adapter> = {
  files: filesAdapter,
  html: htmlAdapter,
  rss: rssAdapter,
  vsb: vsbAdapter,
  webplus: webplusAdapter,
};
