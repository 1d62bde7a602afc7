import { createRequire } from "node:module";
import { Jieba } from "@node-rs/jieba";

let jieba: Jieba | undefined;

/**
 * jieba with its bundled dictionary (read from the package, ~5 MB, once per process), without its
 * HMM: words it does not know come out as single characters, the same in an article and in a
 * query, and the tokenizer turns those into bigrams.
 */
export function createJiebaSegmenter(): (text: string) => string[] {
  if (!jieba) {
    const require = createRequire(import.meta.url);
    const { dict } = require("@node-rs/jieba/dict.js") as { dict: Buffer };
    jieba = Jieba.withDict(dict);
  }
  const instance = jieba;
  return (text) => instance.cut(text, false);
}
