import { createListSiteAdapter, type SiteProfile } from "./list-site.ts";

/** Any other list page; the source entry's selectors say where items and bodies are. */
export const htmlProfile: SiteProfile = {
  kind: "html",
  recognise: () => true,
  list: { item: [], link: ["a[href]"], title: [], date: [".date", ".time", "span"] },
  article: {
    title: ["h1"],
    date: [".date", ".time", ".info", ".meta"],
    content: ["article", ".article-content", ".content", "#content"],
  },
};

export const htmlAdapter = createListSiteAdapter(htmlProfile);
