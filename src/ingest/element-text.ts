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
 * The text of `roots` and what they hold, in reading order, with a line break around each block.
 * A walk with its own stack rather than recursion: broken pages nest unclosed tags thousands deep.
 */
function textParts(roots: readonly AnyNode[], baseUrl: string): string[] {
  const parts: string[] = [];
  // Nodes still to read, and the line breaks that close the blocks being read; the next one last.
  const pending: Array<AnyNode | "\n"> = [...roots].reverse();
  const readNext = (children: readonly AnyNode[]) => {
    for (let i = children.length - 1; i >= 0; i--) pending.push(children[i]!);
  };
  for (let item = pending.pop(); item !== undefined; item = pending.pop()) {
    if (item === "\n" || isText(item)) {
      parts.push(item === "\n" ? item : item.data);
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
      const label = normaliseText(textParts(item.children, baseUrl).join("")).replace(/\n/g, " ");
      parts.push(`\n附件：${label} ${href}\n`);
      continue;
    }
    if (BLOCK.has(name)) {
      parts.push("\n");
      pending.push("\n");
    }
    readNext(item.children);
  }
  return parts;
}

/**
 * The readable text of an element: one line per block, images and attachments kept as links,
 * scripts, forms and navigation dropped.
 */
export function elementText(root: AnyNode, baseUrl: string): string {
  return normaliseText(textParts([root], baseUrl).join(""));
}
