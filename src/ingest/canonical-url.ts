const TRACKING_PARAMS = new Set([
  "spm",
  "from",
  "fromuid",
  "share",
  "share_from",
  "isappinstalled",
  "scene",
  "clicktime",
  "wxshare_count",
  "fbclid",
  "gclid",
]);

function isTracking(name: string): boolean {
  const lower = name.toLowerCase();
  return lower.startsWith("utm_") || TRACKING_PARAMS.has(lower);
}

/**
 * One spelling per article: lower-case host, https where the site serves both, no default
 * port, no fragment, no `index.htm(l)`, no tracking parameters, remaining parameters sorted.
 * Non-web URLs (`file:` for bundled files) are returned unchanged.
 */
export function canonicalUrl(input: string): string {
  let url: URL;
  try {
    url = new URL(input.trim());
  } catch {
    return input.trim();
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return input.trim();
  url.hash = "";
  url.hostname = url.hostname.toLowerCase().replace(/\.$/, "");
  if ((url.protocol === "http:" && url.port === "80") || (url.protocol === "https:" && url.port === "443")) {
    url.port = "";
  }
  url.pathname = url.pathname.replace(/\/{2,}/g, "/").replace(/\/index\.(s?html?|php|jsp|aspx?)$/i, "/");
  const kept = [...url.searchParams.entries()].filter(([name]) => !isTracking(name));
  kept.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  url.search = new URLSearchParams(kept).toString();
  return url.toString();
}
