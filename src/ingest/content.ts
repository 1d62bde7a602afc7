import type { AnyNode, Element } from "domhandler";
import { isElement, isText } from "./dom.ts";

/** Never article text, whatever they hold. */
const INERT = new Set(
  "script style noscript iframe nav select button input textarea svg template head object map option header footer aside".split(
    " ",
  ),
);

/** Classes and ids of page furniture that sits inside or beside the article. */
const FURNITURE =
  /(^|[\s_-])(nav|navbar|menu|breadcrumbs?|crumbs?|position|location|weizhi|dqwz|share|bdshare|bshare|jiathis|fontsize|font-size|zihao|print|tools?|toolbar|related|relate|xiangguan|comments?|pinglun|reply|recommend|tuijian|hot|rank|paihang|sidebar|side|footer|foot|copyright|banner|ad|ads|advert|guanggao|pager|paging|page-nav|prev|next|updown|sxp|qrcode|ewm|erweima|login|search|keywords?|tags?)([\s_-]|\d|$)/i;

/** Shorter than this and unpunctuated, a block is a prompt or a label, not a body (unless nothing else is). */
const MIN_UNPUNCTUATED_BODY_CHARS = 40;

/** Furniture holds no prose: a block with more sentence marks than this is not furniture. */
const FURNITURE_MAX_PUNCTUATION = 20;

interface Tally {
  /** Visible characters (no whitespace) under the element. */
  text: number;
  /** Of which inside links. */
  linkText: number;
  /** Descendant elements, and of which links. */
  tags: number;
  linkTags: number;
  /** Sentence punctuation: prose has it, menus and link lists do not. */
  punctuation: number;
  paragraphs: number;
}

const PUNCTUATION = /[，。；：！？、“”,;!?]/g;
const SPACE = /\s+/g;

export function isFurniture(element: Element): boolean {
  const label = `${element.attribs.class ?? ""} ${element.attribs.id ?? ""}`;
  return label.length > 1 && FURNITURE.test(label);
}

/**
 * The element holding the article's text, by text density as GeneralNewsExtractor measures it:
 * non-link text per non-link descendant tag, weighted by how many paragraphs it has and how
 * long its runs between punctuation are. One bottom-up pass, iterative (hostile pages nest deep).
 */
export function findMainContent(root: AnyNode): Element | undefined {
  const tallies = new Map<AnyNode, Tally>();
  const stack: Array<{ node: AnyNode; open: boolean }> = [{ node: root, open: true }];
  let best: Element | undefined;
  let bestScore = 0;
  // A short block without a single sentence mark (a QR-code prompt, a caption, a row of labels)
  // holds no prose: it is the body only when no block on the page has any.
  let unpunctuated: Element | undefined;
  let unpunctuatedScore = 0;
  while (stack.length > 0) {
    const frame = stack.pop()!;
    const node = frame.node;
    const children = "children" in node ? (node.children as AnyNode[]) : [];
    if (frame.open) {
      stack.push({ node, open: false });
      for (const child of children) {
        if (isElement(child)) {
          const element = child;
          if (!INERT.has(element.name)) stack.push({ node: child, open: true });
        } else if (isText(child)) {
          const data = (child as unknown as { data: string }).data;
          const length = data.replace(SPACE, "").length;
          if (length > 0) {
            tallies.set(child, {
              text: length,
              linkText: 0,
              tags: 0,
              linkTags: 0,
              punctuation: data.match(PUNCTUATION)?.length ?? 0,
              paragraphs: 0,
            });
          }
        }
      }
      continue;
    }
    const tally: Tally = { text: 0, linkText: 0, tags: 0, linkTags: 0, punctuation: 0, paragraphs: 0 };
    for (const child of children) {
      const own = tallies.get(child);
      if (!own) continue;
      tally.text += own.text;
      tally.linkText += own.linkText;
      tally.tags += own.tags;
      tally.linkTags += own.linkTags;
      tally.punctuation += own.punctuation;
      tally.paragraphs += own.paragraphs;
      if (isElement(child)) {
        const name = child.name;
        if (!FORMATTING.has(name)) tally.tags++;
        if (name === "a") tally.linkTags++;
        if (name === "p" || name === "br") tally.paragraphs++;
      }
      tallies.delete(child);
    }
    if (!isElement(node)) continue;
    const element = node;
    // Share bars and related-link boxes count as links; a wrapper whose class says `nav` but
    // that holds the prose (`blq-int-nav` around a whole BBC page) does not.
    if (element.name === "a" || (isFurniture(element) && tally.punctuation < FURNITURE_MAX_PUNCTUATION)) {
      tally.linkText = tally.text;
    }
    tallies.set(node, tally);
    if (!CONTAINERS.has(element.name)) continue;
    const score = densityScore(tally);
    if (tally.punctuation === 0 && tally.text - tally.linkText < MIN_UNPUNCTUATED_BODY_CHARS) {
      if (score > unpunctuatedScore) {
        unpunctuated = element;
        unpunctuatedScore = score;
      }
    } else if (score > bestScore) {
      best = element;
      bestScore = score;
    }
  }
  return best ?? unpunctuated;
}

/**
 * Tags that only style a run of text: Word-pasted bodies wrap every phrase in several nested
 * `<span style>`s, which would otherwise make real prose look as tag-dense as a menu.
 */
const FORMATTING = new Set("span font b strong em i u small big sup sub".split(" "));

/** Elements that hold an article; a paragraph or a span is a part of one. */
const CONTAINERS = new Set("div td article section main dd center form li font".split(" "));

function densityScore(tally: Tally): number {
  const own = tally.text - tally.linkText;
  const tags = tally.tags - tally.linkTags;
  if (own <= 0 || tags <= 0) return 0;
  const density = own / tags;
  const perPunctuation = own / (tally.punctuation + 1);
  return (
    density * Math.log10(tally.paragraphs + 2) * Math.log(Math.max(perPunctuation, 1) + 1) * Math.log(own + 1)
  );
}
