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

/** Characters too frequent to be worth a bigram on either side: 的 alone is ~3% of news text. */
export const UNINDEXED_CHARS: ReadonlySet<number> = new Set(["的"].map((c) => c.charCodeAt(0)));
