import { existsSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import type { Redis } from "ioredis";
import type { Clock } from "../clock.ts";
import type { Logger } from "../logger.ts";
import type { AdapterContext, Candidate } from "./adapter.ts";
import type { ExtractedArticle } from "./extracted.ts";
import { ADAPTERS } from "./adapters/index.ts";
import { InputError, isPermanent } from "../errors.ts";
import { createGoneArticleStore } from "../store/gone-articles.ts";
import { createPageChecks, isPageGone } from "./page-checks.ts";
import { createListingMemory } from "./listing-memory.ts";
import { resolveSourcePath } from "./adapters/files.ts";
import { createHttpClient, createRedisValidatorStore, withDeadline, type HttpClient } from "./http.ts";
import {
  addSummaries,
  countOutcome,
  createIngestPipeline,
  emptySummary,
  type IngestPipeline,
  type IngestSummary,
} from "./pipeline.ts";
import { SourceBusyError, withSourceLock } from "./source-lock.ts";
import { declaredHosts, defineSource, readSources, type Source } from "./sources.ts";

export interface IngestionDeps {
  redis: Redis;
  prefix: string;
  dataDir: string;
  logger: Logger;
  clock: Clock;
  /** Defaults to `<dataDir>/sources.yaml`. */
  sourcesPath?: string;
  /** Shared by all sources of a run so per-host politeness holds across them. */
  http?: HttpClient;
  /** Called after each article, for progress bars. */
  onProgress?: (progress: IngestProgress) => void;
  /** How long a source's lock outlives a process that stopped renewing it (tests shorten it). */
  sourceLockTtlMs?: number;
  /** Called for each source or article that failed, for command-line reports. */
  onFailure?: (failure: IngestFailure) => void;
}

export interface IngestFailure {
  sourceId: string;
  /** The article's address; absent when the whole source failed. */
  url?: string;
  error: unknown;
}

export interface IngestProgress {
  sourceId: string;
  done: number;
  total: number;
}

export interface SourceRun {
  summary: IngestSummary;
  /** Items the source listed this run; zero from a list page that used to list some is suspicious. */
  listed: number;
  /** The list pages answered 304: nothing was listed because nothing changed. */
  notModified: boolean;
}

/** A requested source id that the sources file does not define (or defines with errors). */
class UnknownSourceError extends InputError {
  override name = "UnknownSourceError";
}

export function createIngestHttpClient(deps: Pick<IngestionDeps, "redis" | "prefix">): HttpClient {
  return createHttpClient({ validators: createRedisValidatorStore(deps.redis, deps.prefix) });
}

/**
 * Sites still correct articles in their first days; a known article this recent is asked for again
 * (conditionally, so an unchanged page costs a 304) whenever its list page changed.
 */
const RECHECK_WINDOW_MS = 7 * 24 * 60 * 60_000;

/**
 * Lists one source, fetches what is new or changed, and passes every article through the
 * pipeline. Holds the source's lock throughout; throws SourceBusyError if another run has it.
 */
export async function ingestSource(
  deps: IngestionDeps,
  source: Source,
  pipeline: IngestPipeline = createIngestPipeline(deps),
): Promise<SourceRun> {
  return withSourceLock(
    deps.redis,
    deps.prefix,
    source.id,
    () => ingestLocked(deps, source, pipeline),
    deps.sourceLockTtlMs,
  );
}

async function ingestLocked(
  deps: IngestionDeps,
  source: Source,
  pipeline: IngestPipeline,
): Promise<SourceRun> {
  const adapter = ADAPTERS[source.kind];
  const deadlineAt = Date.now() + source.runBudgetSeconds * 1000;
  const http = withDeadline(deps.http ?? createIngestHttpClient(deps), deadlineAt);
  const context: AdapterContext = { dataDir: deps.dataDir, logger: deps.logger, http, clock: deps.clock };
  const log = deps.logger.child({ sourceId: source.id });
  const listings = createListingMemory(deps.redis, deps.prefix);
  const gone = createGoneArticleStore(deps.redis, deps.prefix);
  const discovery = await adapter.discover(source, context);
  const summary = emptySummary();
  summary.failed += discovery.failures.length;
  for (const failure of discovery.failures) log.warn(failure, "could not read item");
  const candidates = onDeclaredHosts(discovery.candidates, source);
  if (candidates.length < discovery.candidates.length) {
    const skipped = discovery.candidates.filter((c) => !candidates.includes(c)).map((c) => c.url);
    log.warn({ skipped, declaredHosts: declaredHosts(source) }, "links to undeclared hosts are not fetched");
  }

  /**
   * What a page shows now: the article, or undefined when a conditional request found it unchanged.
   * `fetched` is false when nothing was asked of the site (list and page show nothing new).
   */
  const fetchIfDue = async (
    candidate: Candidate,
    knownId: string | undefined,
  ): Promise<{ fetched: boolean; article?: ExtractedArticle | undefined }> => {
    if (candidate.article) return { fetched: false, article: candidate.article };
    if (!knownId || (await listings.changed(candidate)))
      return { fetched: true, article: await adapter.fetchArticle(candidate, source, context) };
    const known = await pipeline.store.get(knownId);
    const recent = known !== undefined && deps.clock().getTime() - known.firstSeen < RECHECK_WINDOW_MS;
    if (!recent) return { fetched: false };
    return {
      fetched: true,
      article: await adapter.fetchArticle(candidate, source, context, { conditional: true }),
    };
  };

  const checks = createPageChecks({ sourceId: source.id, gone, pipeline, clock: deps.clock, log });

  const total = candidates.length;
  let done = 0;
  let retryLater = false;
  const listedIds: string[] = [];
  for (const candidate of candidates) {
    if (Date.now() >= deadlineAt) {
      // Not a failure of the articles left: they are listed again, and fetched, next run.
      retryLater = true;
      log.warn(
        { left: total - done, runBudgetSeconds: source.runBudgetSeconds },
        "run time budget used up; the rest waits for the next run",
      );
      break;
    }
    const knownId = candidate.article ? undefined : await pipeline.knownId(candidate.url);
    if (knownId) listedIds.push(knownId);
    try {
      const { fetched, article } = await fetchIfDue(candidate, knownId);
      if (knownId && fetched) await checks.answered(knownId);
      if (!article) {
        summary.unchanged++;
        continue;
      }
      summary.fetched++;
      countOutcome(summary, await pipeline.ingest(article, source));
      await listings.remember(candidate);
      const newId = knownId || !fetched ? undefined : await pipeline.knownId(article.url);
      if (newId) {
        listedIds.push(newId);
        await checks.answered(newId);
      }
    } catch (error) {
      summary.failed++;
      if (!isPermanent(error)) retryLater = true;
      log.warn({ url: candidate.url, err: error }, "article failed");
      deps.onFailure?.({ sourceId: source.id, url: candidate.url, error });
      if (knownId && isPageGone(error)) await checks.missing(knownId, candidate.url);
    } finally {
      deps.onProgress?.({ sourceId: source.id, done: ++done, total });
    }
  }

  if (source.kind !== "files")
    await checks.checkDue(discovery.notModified ? undefined : listedIds, {
      fetchPage: (url) => adapter.fetchArticle({ url }, source, context, { conditional: true }),
      mayFetch: (url) => onDeclaredHosts([{ url }], source).length > 0,
      changed: async (article) => {
        summary.fetched++;
        countOutcome(summary, await pipeline.ingest(article, source));
      },
      inTime: () => Date.now() < deadlineAt,
    });
  // The list stays unconditional while an article may still come through on a later run.
  if (!retryLater) await discovery.commit();
  log.info({ ...summary, listed: total, notModified: discovery.notModified }, "source ingested");
  return { summary, listed: total, notModified: discovery.notModified };
}

/**
 * The candidates a run may fetch: a list page or feed of a web source may link anywhere, but only
 * pages on the hosts the source declares are fetched. Items that carry their text need no fetch.
 */
function onDeclaredHosts(candidates: Candidate[], source: Source): Candidate[] {
  if (source.kind === "files") return candidates;
  const hosts = declaredHosts(source);
  return candidates.filter(
    (c) => c.article !== undefined || (URL.canParse(c.url) && hosts.includes(new URL(c.url).host)),
  );
}

async function readSourcesFile(deps: IngestionDeps): Promise<Source[]> {
  const file = deps.sourcesPath ?? join(deps.dataDir, "sources.yaml");
  const sources = await readSources(file, deps.logger);
  return sources;
}

/**
 * The files source for a folder or file given on the command line: the configured source that
 * reads it, so its articles keep their source id, or else one made up for the path.
 */
async function pathSource(deps: IngestionDeps, path: string): Promise<Source> {
  const target = resolve(path);
  const configured = existsSync(deps.sourcesPath ?? join(deps.dataDir, "sources.yaml"))
    ? (await readSourcesFile(deps)).find(
        (s) => s.kind === "files" && resolveSourcePath(s, deps.dataDir) === target,
      )
    : undefined;
  if (configured) return configured;
  const name = basename(target).replace(/\.[^.]*$/, "");
  const slug = name
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, "-")
    .replace(/^-+/, "");
  return defineSource({ id: `path-${slug}`.slice(0, 64), name, kind: "files", path: target });
}

async function selectSources(deps: IngestionDeps, sourceId: string | undefined): Promise<Source[]> {
  const sources = await readSourcesFile(deps);
  if (sourceId === undefined) return sources.filter((s) => s.enabled);
  const source = sources.find((s) => s.id === sourceId);
  if (!source) throw new UnknownSourceError(`source ${sourceId} is not defined in the sources file`);
  return [source];
}

/**
 * Runs ingestion once: one source by id, a folder or file of articles by path, or every enabled
 * source of the sources file. A source that fails is logged and counted, and the others still run.
 * `allowPrivateNetwork` opts every selected source in, as the operator's `--allow-private-network`.
 */
export async function runIngestion(
  deps: IngestionDeps,
  options: { sourceId?: string; path?: string; allowPrivateNetwork?: boolean } = {},
): Promise<IngestSummary> {
  const selected = options.path
    ? [await pathSource(deps, options.path)]
    : await selectSources(deps, options.sourceId);
  const sources = options.allowPrivateNetwork
    ? selected.map((s) => ({ ...s, allowPrivateNetwork: true }))
    : selected;
  const pipeline = createIngestPipeline(deps);
  const shared = { ...deps, http: deps.http ?? createIngestHttpClient(deps) };
  let total = emptySummary();
  for (const source of sources) {
    try {
      total = addSummaries(total, (await ingestSource(shared, source, pipeline)).summary);
    } catch (error) {
      if (error instanceof SourceBusyError) {
        deps.logger.info({ sourceId: source.id }, "source is already being fetched elsewhere; skipped");
        continue;
      }
      total.failed++;
      deps.logger.error({ sourceId: source.id, err: error }, "source failed");
      deps.onFailure?.({ sourceId: source.id, error });
    }
  }
  return total;
}
