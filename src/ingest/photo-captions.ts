import type { CheerioAPI } from "cheerio/slim";
import type { AnyNode, Element } from "domhandler";
import { findUnder, isElement, isText } from "./dom.ts";

/** Classes CMSs give the line under a picture: `caption`, `pictext`, `img_desc`, `tuzhu`. */
const CAPTION_CLASS =
  /(^|[\s_-])(caption|figcaption|pictext|pic-?txt|pic_?text|pic-?desc|img-?desc|img_?txt|imgtxt|img-?title|photo-?(desc|text|title)|tuzhu)([\s_-]|\d|$)/i;
/** A caption names what the picture shows in a line; longer text under a picture is the article. */
const MAX_CAPTION_CHARS = 80;
const MAX_MARKED_CAPTION_CHARS = 200;
/** A centred line ending like this opens what follows (`各位考生：`), it does not describe a picture. */
const OPENS_TEXT = /[:：]$/;

const textOf = (element: Element, $: CheerioAPI): string => $(element).text().replace(/\s+/g, "");

function isCentred(element: Element): boolean {
  const align = element.attribs.align ?? "";
  const style = element.attribs.style ?? "";
  return /^center$/i.test(align) || /text-align\s*:\s*center/i.test(style);
}

/** The element beside this one (before or after), skipping blank text and blank blocks. */
function besideElement(element: Element, $: CheerioAPI, step: "prev" | "next"): Element | undefined {
  for (let node = element[step]; node; node = node[step]) {
    if (isText(node) && node.data.trim() !== "") return undefined;
    if (!isElement(node)) continue;
    const sibling = node;
    if (textOf(sibling, $) !== "" || $(sibling).find("img").length > 0 || sibling.name === "img")
      return sibling;
  }
  return undefined;
}

function isPictureOnly(element: Element, $: CheerioAPI): boolean {
  return (element.name === "img" || $(element).find("img").length > 0) && textOf(element, $) === "";
}

/**
 * Takes photo captions out of the content block: elements marked up as captions (`<figcaption>`,
 * `class="caption"`), and a short centred line directly under a picture-only block and above
 * text that is not centred, which is how TRS and most news CMSs print one. Neither is running
 * text, so neither opens or ends the body.
 */
export function removePhotoCaptions($: CheerioAPI, content: AnyNode): void {
  findUnder($, content, "figcaption, [class]")
    .filter((_, element) => {
      if (element.name !== "figcaption" && !CAPTION_CLASS.test(element.attribs.class ?? "")) return false;
      return textOf(element, $).length <= MAX_MARKED_CAPTION_CHARS;
    })
    .remove();
  findUnder($, content, "p, div, center")
    .filter((_, element) => {
      if (!isCentred(element) && element.name !== "center") return false;
      const text = textOf(element, $);
      if (text === "" || text.length > MAX_CAPTION_CHARS || OPENS_TEXT.test(text)) return false;
      const before = besideElement(element, $, "prev");
      if (!before || !isPictureOnly(before, $)) return false;
      // Where the running text is centred too (blogs, poems), a centred line is not set apart.
      const after = besideElement(element, $, "next");
      return !after || !isCentred(after) || isPictureOnly(after, $);
    })
    .remove();
}

/** A subhead is a short phrase; a bold paragraph longer than this is a lead the body opens with. */
const MAX_SUBHEAD_CHARS = 30;
/** Datelines (`中新网北京3月31日电`) open the body even when printed bold on a line of their own. */
const DATELINE = /(电|電|讯|訊|报道|報道)\s*[)）]?$/;
const BLOCKS = new Set("p div h2 h3 h4 h5 h6 li td center section".split(" "));
const BOLD = new Set(["strong", "b"]);

/** The nearest block around a node, within the content block. */
function blockOf(node: AnyNode, content: AnyNode): Element | undefined {
  for (let up = node.parent; up && up !== content; up = up.parent) {
    if (isElement(up) && BLOCKS.has(up.name)) return up;
  }
  return undefined;
}

function isBoldText(node: AnyNode, block: Element): boolean {
  for (let up = node.parent; up && up !== block; up = up.parent) {
    if (isElement(up) && BOLD.has(up.name)) return true;
  }
  return false;
}

/**
 * Takes out the bold subheads a feature opens with (`出国前：政治科目会出啥考题？` over its first
 * paragraph): blocks before any running text whose every word is bold and that are short. A block
 * with any plain text, a salutation ending in `：` and a dateline stop the search.
 */
export function removeLeadingSubheads($: CheerioAPI, content: AnyNode): void {
  const subheads: Element[] = [];
  const stack: AnyNode[] = [content];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (isText(node)) {
      if ((node as unknown as { data: string }).data.trim() === "") continue;
      const block = blockOf(node, content);
      if (!block || !subheads.includes(block)) {
        if (!block || !isSubhead(block)) break;
        subheads.push(block);
      }
      continue;
    }
    if ("children" in node) {
      const children = node.children as AnyNode[];
      for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]!);
    }
  }
  for (const subhead of subheads) $(subhead).remove();
}

function isSubhead(block: Element): boolean {
  const texts: AnyNode[] = [];
  const stack: AnyNode[] = [block];
  let chars = "";
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (isText(node)) {
      const data = (node as unknown as { data: string }).data.replace(/[\s\u00a0\u3000]+/g, "");
      if (data === "") continue;
      chars += data;
      texts.push(node);
    } else if ("children" in node) {
      stack.push(...(node.children as AnyNode[]));
    }
    if (chars.length > MAX_SUBHEAD_CHARS) return false;
  }
  if (chars === "" || OPENS_TEXT.test(chars) || DATELINE.test(chars)) return false;
  return texts.every((text) => isBoldText(text, block));
}
