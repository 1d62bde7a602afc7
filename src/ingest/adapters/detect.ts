import type { SourceKind } from "../sources.ts";
import { htmlProfile } from "./html.ts";
import type { SiteProfile } from "./list-site.ts";
import { vsbProfile } from "./vsb.ts";
import { webplusProfile } from "./webplus.ts";

function isFeed(body: string): boolean {
  return /^\s*(<\?xml[^>]*>\s*)?(<!--[\s\S]*?-->\s*)*<(rss|feed|rdf:RDF)[\s>]/i.test(body);
}

/** The CMS profile whose markers the page carries; the generic one when none does. */
export function profileForMarkup(html: string): SiteProfile {
  return [webplusProfile, vsbProfile].find((profile) => profile.recognise(html)) ?? htmlProfile;
}

/** What kind of source a fetched page is: a feed, a WebPlus or VSB column, or some other page. */
export function detectKind(body: string): SourceKind {
  return isFeed(body) ? "rss" : profileForMarkup(body).kind;
}
