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
  /** The best-scoring prose block under the element that follows the headline. */
  follower?: Candidate;
}

interface Candidate {
  element: Element;
  score: number;
  own: number;
}

const PUNCTUATION = /[，。；：！？、“”,;!?]/g;
const SPACE = /\s+/g;

export function isFurniture(element: Element): boolean {
  const label = `${element.attribs.class ?? ""} ${element.attribs.id ?? ""}`;
  return label.length > 1 && FURNITURE.test(label);
}

/** A block needs this many sentence marks to count as the prose under a headline. */
const MIN_FOLLOWER_PUNCTUATION = 3;

/**
 * The element holding the article's text, by text density as GeneralNewsExtractor measures it:
 * non-link text per non-link descendant tag, weighted by how many paragraphs it has and how
 * long its runs between punctuation are. One bottom-up pass, iterative (hostile pages nest deep).
 *
 * Given the headline, a short article's prose in the headline's own section wins over a denser
 * block elsewhere (a teaser in a hot-news list, a footer's copyright notice), unless that block
 * is more than twice as long: density alone cannot tell a one-paragraph flash from a teaser.
 */
export function findMainContent(root: AnyNode, headline?: Element): Element | undefined {
  const tallies = new Map<AnyNode, Tally>();
  const stack: Array<{ node: AnyNode; open: boolean }> = [{ node: root, open: true }];
  const headlineAncestors = new Set<AnyNode>();
  for (let node = headline?.parent; node; node = node.parent) headlineAncestors.add(node);
  const openedBeforeHeadline = new Set<AnyNode>();
  let headlineOpened = false;
  // The headline's section: its nearest ancestor holding prose after it, and that prose.
  let section: { root: Element; block: Candidate } | undefined;
  let best: Element | undefined;
  let bestScore = 0;
  let bestOwn = 0;
  // A short block without a single sentence mark (a QR-code prompt, a caption, a row of labels)
  // holds no prose: it is the body only when no block on the page has any.
  let unpunctuated: Element | undefined;
  let unpunctuatedScore = 0;
  while (stack.length > 0) {
    const frame = stack.pop()!;
    const node = frame.node;
    const children = "children" in node ? (node.children as AnyNode[]) : [];
    if (frame.open) {
      // Children are pushed in order, so the stack opens them last first: what opens before the
      // headline, other than its ancestors, follows it on the page.
      if (node === headline) headlineOpened = true;
      else if (headline && !headlineOpened && !headlineAncestors.has(node)) openedBeforeHeadline.add(node);
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
      if (own.follower && own.follower.score > (tally.follower?.score ?? 0)) tally.follower = own.follower;
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
    if (CONTAINERS.has(element.name)) {
      const score = densityScore(tally);
      const own = tally.text - tally.linkText;
      if (tally.punctuation === 0 && own < MIN_UNPUNCTUATED_BODY_CHARS) {
        if (score > unpunctuatedScore) {
          unpunctuated = element;
          unpunctuatedScore = score;
        }
      } else {
        if (score > bestScore) {
          best = element;
          bestScore = score;
          bestOwn = own;
        }
        const followsHeadline = openedBeforeHeadline.has(element);
        if (followsHeadline && isProse(tally, own) && score > (tally.follower?.score ?? 0)) {
          tally.follower = { element, score, own };
        }
      }
    }
    if (!section && tally.follower && headlineAncestors.has(element)) {
      section = { root: element, block: tally.follower };
    }
  }
  if (
    best &&
    section &&
    section.block.own * 2 >= bestOwn &&
    !headlineAncestors.has(best) &&
    !contains(section.root, best)
  ) {
    return section.block.element;
  }
  return best ?? unpunctuated;
}

function isProse(tally: Tally, own: number): boolean {
  return tally.punctuation >= MIN_FOLLOWER_PUNCTUATION && own >= MIN_UNPUNCTUATED_BODY_CHARS;
}

function contains(ancestor: AnyNode, node: AnyNode): boolean {
  for (let current: AnyNode | null = node; current; current = current.parent)
    if (current === ancestor) return true;
  return false;
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
