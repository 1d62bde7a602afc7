import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { parseLexicon, parseWordList, type Lexicon } from "../search/index.ts";

/** Reads `aliases.yaml`, `synonyms.yaml` and the segmentation dictionary `words.txt` from the data directory. */
export async function loadLexicon(dataDir: string): Promise<Lexicon> {
  const [aliases, synonyms, words] = await Promise.all(
    ["aliases.yaml", "synonyms.yaml", "words.txt"].map((name) => readFile(join(dataDir, name), "utf8")),
  );
  return { ...parseLexicon(aliases!, synonyms!), words: parseWordList(words!) };
}
