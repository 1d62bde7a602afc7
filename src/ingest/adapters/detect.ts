import type { SourceKind } from "../sources.ts";
import { htmlProfile } from "./html.ts";
import type { SiteProfile } from "./list-site.ts";
import { vsbProfile } from "./vsb.ts";
import { webplusProfile } from "./webplus.ts";

/** Only the start of a page can say it is a feed; a prolog longer than this is not one. */
const PROLOG_MAX_CHARS = 64 * 1024;

/**
 * The first element's name, after the XML declaration, comments and doctype. A scan rather than
 * one regex: `(<!--[\s\S]*?-->\s*)*` backtracks exponentially in the number of leading comments,
 * which news portals print by the dozen, and spun for minutes on them.
 */
function rootElementName(body: string): string | undefined {
  const end = Math.min(body.length, PROLOG_MAX_CHARS);
  let at = 0;
  while (at < end) {
    const next = body.indexOf("<", at);
    if (next < 0 || next >= end) return undefined;
    if (body.slice(at, next).trim() !== "") return undefined;
    if (body.startsWith("<!--", next)) {
      const close = body.indexOf("-->", next + 4);
      if (close < 0) return undefined;
      at = close + 3;
    } else if (body.startsWith("<?", next) || body.startsWith("<!", next)) {
      const close = body.indexOf(">", next);
      if (close < 0) return undefined;
      at = close + 1;
    } else {
      return /^<([\w:-]+)/.exec(body.slice(next, next + 64))?.[1];
    }
  }
  return undefined;
}

function isFeed(body: string): boolean {
  return /^(rss|feed|rdf:RDF)$/i.test(rootElementName(body) ?? "");
}

const CMS_PROFILES = [webplusProfile, vsbProfile];

/**
 * The CMS profile whose own markers the page carries, else the one whose borrowed markup it
 * shows; the generic one when none does.
 */
export function profileForMarkup(html: string): SiteProfile {
  return (
    CMS_PROFILES.find((profile) => profile.recognise(html)) ??
    CMS_PROFILES.find((profile) => profile.resembles?.(html)) ??
    htmlProfile
  );
}

/** What kind of source a fetched page is: a feed, a WebPlus or VSB column, or some other page. */
export function detectKind(body: string): SourceKind {
  return isFeed(body) ? "rss" : profileForMarkup(body).kind;
}
