/**
 * Dictionary word segmentation by forward maximum matching: at each position the longest
 * dictionary word wins, and a character that starts no word stands alone. Unknown names and
 * abbreviations therefore come out as single characters, the same way in an article and in a
 * query, and the tokenizer turns those into bigrams.
 *
 * The dictionary is a trie stored as one map from (node, character) to child node, so a lookup
 * allocates nothing; a 80,000-word dictionary costs a few megabytes.
 */
export type HanSegmenter = (run: string) => string[];

const CHAR_SPACE = 0x10000;

export function createSegmenter(words: Iterable<string>): HanSegmenter {
  const edges = new Map<number, number>();
  const terminal: boolean[] = [false];
  for (const word of words) {
    if (word.length < 2) continue;
    let node = 0;
    for (let i = 0; i < word.length; i++) {
      const key = node * CHAR_SPACE + word.charCodeAt(i);
      let child = edges.get(key);
      if (child === undefined) {
        child = terminal.length;
        terminal.push(false);
        edges.set(key, child);
      }
      node = child;
    }
    terminal[node] = true;
  }
  return (run) => {
    const words: string[] = [];
    let i = 0;
    while (i < run.length) {
      let node = 0;
      let longest = 1;
      for (let j = i; j < run.length; j++) {
        const child = edges.get(node * CHAR_SPACE + run.charCodeAt(j));
        if (child === undefined) break;
        node = child;
        if (terminal[node]) longest = j - i + 1;
      }
      words.push(run.slice(i, i + longest));
      i += longest;
    }
    return words;
  };
}
