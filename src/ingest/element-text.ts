/** The text a reader sees in an element, one line per block, and the links it resolves. */
import type { AnyNode } from "domhandler";
import { isElement, isText } from "./dom.ts";
import { normaliseText } from "./text.ts";

const BLOCK = new Set(
  "p div li ul ol h1 h2 h3 h4 h5 h6 tr table tbody thead section article blockquote dd dt dl pre header footer figure figcaption center form hr main".split(
    " ",
  ),
);
const SKIP = new Set(
  "script style noscript iframe nav select button input textarea svg template head object map".split(" "),
);
/** A whole document (domhandler gives it node type 9). */
const DOCUMENT_NODE = 9;
const ATTACHMENT = /\.(pdf|docx?|xlsx?|pptx?|zip|rar|7z|wps|txt)(\?|$)|DownloadAttachUrl|download\.jsp/i;

export function absoluteUrl(href: string | undefined, base: string): string | undefined {
  if (!href || /^(javascript|mailto|tel):|^#/i.test(href.trim())) return undefined;
  try {
    const url = new URL(href.trim(), base);
    return url.protocol === "http:" || url.protocol === "https:" ? url.href : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The text of `roots` and what they hold, in reading order, with a line break around each block;
 * only its start when more than `maxChars` characters of text are met (`cut` says so).
 * A walk with its own stack rather than recursion: broken pages nest unclosed tags thousands deep.
 */
function textParts(
  roots: readonly AnyNode[],
  baseUrl: string,
  maxChars = Number.POSITIVE_INFINITY,
): { parts: string[]; cut: boolean } {
  const parts: string[] = [];
  let chars = 0;
  // Nodes still to read, and the line breaks that close the blocks being read; the next one last.
  const pending: Array<AnyNode | "\n"> = [...roots].reverse();
  const readNext = (children: readonly AnyNode[]) => {
    for (let i = children.length - 1; i >= 0; i--) pending.push(children[i]!);
  };
  for (let item = pending.pop(); item !== undefined; item = pending.pop()) {
    if (item === "\n") {
      parts.push(item);
      continue;
    }
    if (isText(item)) {
      parts.push(item.data);
      chars += item.data.length;
      if (chars > maxChars) return { parts, cut: true };
      continue;
    }
    if (item.nodeType === DOCUMENT_NODE) {
      readNext(item.children);
      continue;
    }
    // Processing instructions (`<?xml …?>` pasted into bodies) share the element node type.
    if (!isElement(item) || !("children" in item)) continue;
    const name = item.name.toLowerCase();
    if (SKIP.has(name)) continue;
    if (name === "br") {
      parts.push("\n");
      continue;
    }
    if (name === "img") {
      const src = absoluteUrl(item.attribs["data-src"] ?? item.attribs.src, baseUrl);
      if (src && !/\/(icon|logo|share|dot|spacer)|\.gif$/i.test(src)) parts.push(`\n图片：${src}\n`);
      continue;
    }
    const href = name === "a" ? absoluteUrl(item.attribs.href, baseUrl) : undefined;
    if (href && ATTACHMENT.test(href)) {
      const label = normaliseText(textParts(item.children, baseUrl).parts.join("")).replace(/\n/g, " ");
      parts.push(`\n附件：${label} ${href}\n`);
      continue;
    }
    if (BLOCK.has(name)) {
      parts.push("\n");
      pending.push("\n");
    }
    readNext(item.children);
  }
  return { parts, cut: false };
}

/** An image as elementText writes it, on a line of its own: `图片：https://…/a.jpg`. */
export const IMAGE_LINE = /^图片：\S+$/;

/**
 * The readable text of an element: one line per block, images and attachments kept as links,
 * scripts, forms and navigation dropped.
 */
export function elementText(root: AnyNode, baseUrl: string): string {
  return normaliseText(textParts([root], baseUrl).parts.join(""));
}

/** How much text `firstLines` reads first; it reads four times more each time that holds too few lines. */
const FIRST_LINES_CHARS = 2000;

/**
 * The first `count` lines of `elementText(root)`, reading only the start of a long element: the
 * block after a headline is often the whole article.
 */
export function firstLines(root: AnyNode, baseUrl: string, count: number): string[] {
  for (let maxChars = Number.isFinite(count) ? FIRST_LINES_CHARS : count; ; maxChars *= 4) {
    const { parts, cut } = textParts([root], baseUrl, maxChars);
    const lines = normaliseText(parts.join("")).split("\n");
    // The last line read may go on past the cut; the ones before it are whole.
    const whole = (cut ? lines.slice(0, -1) : lines).filter((line) => line !== "");
    if (!cut || whole.length >= count) return whole.slice(0, count);
  }
}
