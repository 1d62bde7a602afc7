/**
 * Every Redis key zhibu writes, in one place. The prefix is a hash tag such as `{zhibu}` so
 * that all keys (and BullMQ's, which use the same prefix) land in one Redis Cluster slot.
 */
export function redisKeys(prefix: string) {
  return {
    announcement: (id: string) => `${prefix}:ann:${id}`,
    announcementsByFirstSeen: `${prefix}:ann:by-first-seen`,
    announcementByContentHash: `${prefix}:ann:by-content-hash`,
    announcementByUrl: `${prefix}:ann:by-url`,
    changes: `${prefix}:changes`,
    indexSnapshot: `${prefix}:index:snapshot`,
    indexSnapshotCursor: `${prefix}:index:snapshot-cursor`,
    indexSnapshotLock: `${prefix}:index:snapshot-lock`,
    queryCache: (key: string) => `${prefix}:query:${key}`,
    /** MinHash signature per announcement id, for near-duplicate detection. */
    ingestSignatures: `${prefix}:ingest:minhash`,
    /** Ids whose signatures share one LSH band value. */
    ingestLshBucket: (band: string) => `${prefix}:ingest:lsh:${band}`,
    /** What a list page last showed for each article URL (title and date), to spot retitled items. */
    ingestListed: `${prefix}:ingest:listed`,
    /** Checks in a row that found an article's page missing (404/410), per announcement id. */
    ingestMissing: `${prefix}:ingest:missing`,
    /** When each of a source's articles is next checked for a page that is gone (ms), by id. */
    ingestCheckDue: (sourceId: string) => `${prefix}:ingest:check-due:${sourceId}`,
    /** The article ids a source's list pages showed on its last run. */
    ingestListedIds: (sourceId: string) => `${prefix}:ingest:listed-ids:${sourceId}`,
    /** Articles removed because their page is gone, per source id. */
    goneBySource: `${prefix}:ingest:gone-by-source`,
    /** ETag / Last-Modified last seen per fetched URL, for conditional requests. */
    httpValidators: `${prefix}:ingest:http-validators`,
    subscription: (id: string) => `${prefix}:sub:${id}`,
    subscriptionIds: `${prefix}:subs`,
    subscriptionByTarget: `${prefix}:subs:by-target`,
    subscriptionsOfChat: (chatId: number) => `${prefix}:subs:of-chat:${chatId}`,
    subscriptionCursors: `${prefix}:subs:cursor`,
    pendingDigest: (subscriptionId: string) => `${prefix}:digest:pending:${subscriptionId}`,
    sentParts: (digestId: string) => `${prefix}:digest:sent:${digestId}`,
    partLock: (digestId: string, part: number) => `${prefix}:digest:lock:${digestId}:${part}`,
    chatNextSendAt: (chatId: number) => `${prefix}:rate:chat:${chatId}`,
    groupRecentSends: (chatId: number) => `${prefix}:rate:group:${chatId}`,
    deliveryErrors: `${prefix}:delivery:errors`,
    /** Updates one user had handled in the current rate-limit window. */
    userRequests: (userId: number) => `${prefix}:rate:user:${userId}`,
    /** Held while a source is being fetched, so one source never runs twice at once. */
    ingestLock: (sourceId: string) => `${prefix}:ingest:lock:${sourceId}`,
    prefix,
  };
}

export type RedisKeys = ReturnType<typeof redisKeys>;
