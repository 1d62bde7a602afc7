import { createListSiteAdapter, type SiteProfile } from "./list-site.ts";

/**
 * Sudy WebPlus: columns at `/{column}/list.htm`, `list2.htm`, …; articles at
 * `/{YYYY}/{MMDD}/c{column}a{id}/page.htm`; body in `.wp_articlecontent`.
 */
export const webplusProfile: SiteProfile = {
  kind: "webplus",
  recognise: (html) =>
    /wp_articlecontent|wp_article_list|wp_paging|wp_news_w\d|\/_js\/_portletPlugs|\/_upload\/tpl/i.test(html),
  // Its portlet windows: VSB templates drawn after a WebPlus one keep them.
  resembles: (html) => /frag="窗口/.test(html),
  list: {
    item: [
      ".news_list li.news",
      "ul.wp_article_list > li",
      ".wp_article_list li",
      "[id^=wp_news_w] li",
      ".news_list li",
      "[id^=wp_news_w] tr",
    ],
    link: [".news_title a", ".Article_Title a", "a[href*='page.htm']"],
    title: [".news_title", ".Article_Title"],
    date: [".news_meta", ".Article_PublishDate", ".news_date", ".news_time", ".date", ".time"],
  },
  article: {
    title: [".arti_title", ".article_title", ".Article_Title", ".arti-title", "h1.title"],
    date: [".arti_update", ".arti_metas", ".Article_PublishDate", ".article_meta", ".arti-metas"],
    content: [".wp_articlecontent", ".Article_Content", ".article .entry", ".arti_content"],
    noise: [".arti_views", ".WP_VisitCount"],
  },
  pageUrl(columnUrl, page) {
    return /\/list\d*\.htm$/.test(columnUrl)
      ? columnUrl.replace(/\/list\d*\.htm$/, `/list${page}.htm`)
      : undefined;
  },
};

export const webplusAdapter = createListSiteAdapter(webplusProfile);
