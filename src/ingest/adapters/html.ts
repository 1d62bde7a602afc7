import { createListSiteAdapter, type SiteProfile } from "./list-site.ts";

/** Any other list page; the source entry's selectors say where items and bodies are. */
export const htmlProfile: SiteProfile = {
  kind: "html",
  recognise: () => true,
  list: { item: [], link: ["a[href]"], title: [], date: [".date", ".time", "span"] },
  // No guesses: the headline, date line and densest text block are found on the page itself.
  article: { title: [], date: [], content: [] },
};

export const htmlAdapter = createListSiteAdapter(htmlProfile);
