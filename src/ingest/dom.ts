import type { Cheerio, CheerioAPI } from "cheerio/slim";
import type { AnyNode, Element, Text } from "domhandler";

/**
 * An element with a tag name and attributes. Not `nodeType === 1` alone: domhandler gives
 * processing instructions (a stray `<?xml …?>` inside a CMS body) that node type too, without
 * attributes.
 */
export function isElement(node: AnyNode | null | undefined): node is Element {
  return node?.nodeType === 1 && "attribs" in node;
}

export function isText(node: AnyNode | null | undefined): node is Text {
  return node?.nodeType === 3;
}

/** Every node under `root`, found in one walk. */
function descendantsOf(root: AnyNode): Set<AnyNode> {
  const found = new Set<AnyNode>();
  const pending: AnyNode[] = "children" in root ? [...root.children] : [];
  for (let node = pending.pop(); node; node = pending.pop()) {
    found.add(node);
    if ("children" in node) pending.push(...node.children);
  }
  return found;
}

/**
 * The elements under `root` that `selector` matches, as `$(root).find(selector)` gives them. Not
 * `find` itself: cheerio hands css-select the root's children, which it de-duplicates in time
 * quadratic in their number — seconds for a body of thousands of lines. The page is searched from
 * its top instead and the matches outside `root` dropped, in time linear in the page's size.
 */
export function findUnder($: CheerioAPI, root: AnyNode, selector: string): Cheerio<Element> {
  const under = descendantsOf(root);
  return $(selector).filter((_, node): node is Element => isElement(node) && under.has(node));
}
