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

/**
 * Whether a node lies under `root`, for many nodes of one page: each walks up only until it meets
 * an ancestor already placed, so all of them together visit each node at most once.
 */
function underTest(root: AnyNode): (node: AnyNode) => boolean {
  const placed = new Map<AnyNode, boolean>();
  return (node) => {
    const path: AnyNode[] = [];
    let inside = false;
    for (let up = node.parent; up; up = up.parent) {
      if (up === root) {
        inside = true;
        break;
      }
      const known = placed.get(up);
      if (known !== undefined) {
        inside = known;
        break;
      }
      path.push(up);
    }
    for (const step of path) placed.set(step, inside);
    return inside;
  };
}

/**
 * The elements under `root` that `selector` matches, as `$(root).find(selector)` gives them. Not
 * `find` itself: cheerio hands css-select the root's children, which it de-duplicates in time
 * quadratic in their number — seconds for a body of thousands of lines. The page is searched from
 * its top instead and the matches outside `root` dropped, by walking up from the matches alone
 * (gathering every node under `root` first cost more than the search on megabyte pages).
 */
export function findUnder($: CheerioAPI, root: AnyNode, selector: string): Cheerio<Element> {
  const isUnder = underTest(root);
  return $(selector).filter((_, node): node is Element => isElement(node) && isUnder(node));
}

/**
 * The first element `selector` matches, in document order. The search stops there, where
 * `$(selector).first()` would match against the rest of the page too: on CMS pages the title,
 * date and content come well before the sidebar and footer.
 */
export function firstMatch($: CheerioAPI, selector: string): Element | undefined {
  return $.extract({ match: { selector, value: (element: Element) => element } }).match;
}

/**
 * Whether the text under `root` (as `.text()` reads it) is longer than `limit`: counted only up
 * to the limit, because the block around a headline is often the whole page.
 */
export function textLongerThan(root: AnyNode, limit: number): boolean {
  let length = 0;
  const pending: AnyNode[] = [root];
  for (let node = pending.pop(); node; node = pending.pop()) {
    if (isText(node)) {
      length += node.data.length;
      if (length > limit) return true;
    } else if ("children" in node) {
      // In document order, so that the count is not put off to the bottom of a deep nesting.
      for (let i = node.children.length - 1; i >= 0; i--) pending.push(node.children[i]!);
    }
  }
  return false;
}

/**
 * The content of the first of the page's `<meta>`s named (or with the property) one of `names`, in
 * their order. The metas are gathered once per page: a selector per name walked a megabyte page a
 * dozen times. Some CMSs copy the headline's markup into a meta (`content="主题<div>——副题</div>"`),
 * which a reader never sees as tags.
 */
export function metaContent(metas: readonly Element[], names: readonly string[]): string | undefined {
  const named = (meta: Element, name: string) =>
    meta.attribs.name?.toLowerCase() === name || meta.attribs.property?.toLowerCase() === name;
  for (const name of names) {
    const wanted = name.toLowerCase();
    const content = metas
      .find((meta) => named(meta, wanted))
      ?.attribs.content?.replace(/<[^<>]*>/g, "")
      .trim();
    if (content) return content;
  }
  return undefined;
}
