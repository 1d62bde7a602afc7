/**
 * Words of chat questions that carry no subject: question words, fillers, "news about", pronouns,
 * function words. Removed from queries only; documents keep every word.
 */
export const QUERY_STOP_WORDS: ReadonlySet<string> = new Set(
  `的 地 得 了 着 过 吗 呢 吧 啊 呀 嘛 哦 么 是 不是 有 有没有 没有 有无 在 于 和 与 及 跟 同 或 或者 还是
  以及 并 也 都 还 就 又 再 才 很 最 更 去 到 来 从 被 把 给 让 对 向 为 为了 而 但 但是 如果 就是 这 那 这个
  那个 这些 那些 这次 那次 哪 哪个 哪些 哪里 哪儿 哪位 哪家 什么 啥 谁 怎么 怎么样 怎样 如何 为什么 为啥 几 多少 几个
  个 篇 条 次 些 一些 一下 一个 一篇 一条 一次 我 我们 你 你们 他 她 它 他们 她们 咱们 自己 请 请问 想 想要 要 想看
  看看 看 找 找找 查 查查 查找 查询 搜 搜索 搜一下 帮 帮我 帮忙 给我 告诉 知道 能 能不能 可以 可不可以 关于 有关 相关
  之类 等 等等 方面 情况 内容 信息 消息 新闻 报道 文章 资讯 动态 介绍 一下子 之前 以前 那时 时候 的时候
  最近 近期 近来 曾经 已经 参加 举办 举行 开展 办 搞 做 干 参与 过的 了吗 没 不 吗？ 呗 咯 嗯 额 诶`.split(
    /\s+/,
  ),
);

/**
 * Single characters that are grammar, not subject: never indexed alone, never paired with a
 * neighbour, and they end a run of unknown characters.
 */
export const STOP_CHARS: ReadonlySet<string> = new Set(
  "的 了 着 过 在 和 与 及 或 并 也 就 都 而 被 把 将 对 向 从 于 之 其 为 以 由 所 这 那 是 有 等 中 上 下 们 个 地 得 吗 呢 吧 啊 又 再 还 很 更 最 已 让 给 到 来 去 说 要 会 能 可 一 每 各 该 此 后 前 时".split(
    " ",
  ),
);

/**
 * Words of news prose too common or too empty to be worth a posting in every article. Fewer
 * postings per document is what keeps a 100,000-article index small and quick.
 */
export const INDEX_STOP_WORDS: ReadonlySet<string> = new Set(
  `我们 你们 他们 她们 大家 自己 我们的 这个 那个 这些 那些 这次 此次 一个 一次 一些 一起 一定 一直 一步 进一步 通过
  进行 表示 以及 并且 同时 其中 为了 已经 还是 就是 可以 能够 应该 不断 不仅 而且 但是 因为 所以 如果 虽然 之后
  之前 以来 期间 过程 方面 相关 有关 关于 对于 作为 成为 起来 出来 当天 当日 此外 另外 其次 首先 最后 随后 然后
  并在 也是 都是 就是 不是 没有 还有 具有 非常 更加 更好 特别 认真 积极 充分 深入 全面 切实 广大 各位 各个 等等`.split(
    /\s+/,
  ),
);
