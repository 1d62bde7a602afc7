import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { parseLexicon, type Lexicon } from "../search/index.ts";
import { createJiebaSegmenter } from "./segmenter.ts";

/** Reads `aliases.yaml` and `synonyms.yaml` from the data directory, with the jieba segmenter. */
export async function loadLexicon(dataDir: string): Promise<Lexicon> {
  const [aliases, synonyms] = await Promise.all([
    readFile(join(dataDir, "aliases.yaml"), "utf8"),
    readFile(join(dataDir, "synonyms.yaml"), "utf8"),
  ]);
  return { ...parseLexicon(aliases, synonyms), segment: createJiebaSegmenter() };
}
