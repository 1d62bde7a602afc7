/** Turns the bot's Telegram HTML into text for a terminal: bold stays bold, links show their address. */
export function htmlToTerminal(html: string, color: boolean): string {
  const bold = (s: string) => (color ? `\x1b[1m${s}\x1b[22m` : s);
  const dim = (s: string) => (color ? `\x1b[2m${s}\x1b[22m` : s);
  return html
    .replace(/<b>([\s\S]*?)<\/b>/g, (_, text: string) => bold(text))
    .replace(/<a href="([^"]*)">([\s\S]*?)<\/a>/g, (_, href: string, text: string) =>
      text === href ? href : `${text}\n   🔗 ${dim(href)}`,
    )
    .replace(/<\/?[a-z][^>]*>/g, "")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, "&");
}
