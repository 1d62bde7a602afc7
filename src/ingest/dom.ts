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
