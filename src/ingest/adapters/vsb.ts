import { createListSiteAdapter, type SiteProfile } from "./list-site.ts";

/**
 * VSB (博达): list pages `/xxx.htm` (then `/xxx/N.htm`) linking `../info/1090/2697.htm`;
 * rows `#line_u8_0`, `table tr` or `ul li` with a date span; body in `#vsb_content`.
 */
export const vsbProfile: SiteProfile = {
  kind: "vsb",
  recognise: (html) =>
    /vsb_content|v_news_content|Visual\s*SiteBuilder|\/system\/resource\/js\/|_showDynClicks|id="line_u\d+_\d+"|_newscontent_fromname/i.test(
      html,
    ),
  list: {
    item: ["[id^=line_u]", "ul li:has(a[href*='info/'])", "table tr:has(a[href*='info/'])"],
    link: ["a[href*='info/']", "a[title]"],
    title: ["a"],
    date: ["span", "td:last-child", ".date", ".time"],
  },
  article: {
    title: [
      "form[name=_newscontent_fromname] h1",
      "form[name=_newscontent_fromname] .title",
      "[class^=titlestyle]",
      ".content-title h1",
      ".article-title",
      ".news_title",
    ],
    date: [
      "[class^=timestyle]",
      "form[name=_newscontent_fromname] .info",
      ".content-title .info",
      ".article-info",
      ".news_info",
    ],
    content: ["#vsb_content .v_news_content", ".v_news_content", "#vsb_content", "#vsb_content_2"],
    attachments: ["form[name=_newscontent_fromname] a[href*=DownloadAttachUrl]"],
  },
};

export const vsbAdapter = createListSiteAdapter(vsbProfile);
