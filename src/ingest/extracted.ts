/** What an adapter extracts from one article, before canonicalisation and de-duplication. */
export interface ExtractedArticle {
  /** The URL the article was found at (or a `file:` URL for bundled files). */
  url: string;
  title: string;
  /** ISO day in Asia/Shanghai, when the page states one. */
  date?: string;
  /** Body, paragraphs separated by `\n`. */
  text: string;
  /** Attachments listed after the body (`附件：报名表.docx https://…`), stored after the text. */
  attachments?: string[];
  /** School or unit, when the article itself says (front matter, `_meta.yaml`). */
  school?: string;
  author?: string;
  /** The outlet a reprint names (`来源：新华网`); shown by the tools, not stored. */
  origin?: string;
  reviewer?: string;
}
