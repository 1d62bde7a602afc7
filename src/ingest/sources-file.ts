import { readFile } from "node:fs/promises";
import type { Logger } from "../logger.ts";
import { parseSources, reportSourceErrors, type Source } from "./sources.ts";

type SourcesListener = (sources: readonly Source[]) => Promise<void> | void;

/** The sources file as last accepted, re-read on a timer so edits take effect without a restart. */
export interface SourcesFile {
  readonly path: string;
  current(): readonly Source[];
  byId(): ReadonlyMap<string, Source>;
  /** Runs after each accepted edit; an error it throws is logged and the next edit still runs it. */
  onChange(listener: SourcesListener): void;
  /** Reads the file now, as the timer does (tests call it instead of waiting). */
  reload(): Promise<void>;
  /** Stops the timer and waits for a reload under way. */
  stop(): Promise<void>;
}

/**
 * Reads the sources file, reporting each bad entry; the good ones are in force. Afterwards it is
 * read every `everyMs`: a version with any error is reported and changes nothing, so the sources
 * in force stay until it is fixed, rather than losing the entry being edited.
 */
export async function watchSourcesFile(options: {
  path: string;
  logger: Logger;
  everyMs: number;
}): Promise<SourcesFile> {
  const { path, logger } = options;
  let text = await readFile(path, "utf8");
  const initial = parseSources(text);
  reportSourceErrors(path, initial.errors, logger);
  let sources: readonly Source[] = initial.sources;
  let byId = new Map(sources.map((s) => [s.id, s]));
  let rejectedText: string | undefined;
  const listeners: SourcesListener[] = [];

  const reload = async () => {
    const edited = await readFile(path, "utf8");
    if (edited === text || edited === rejectedText) return;
    const parsed = parseSources(edited);
    if (parsed.errors.length > 0) {
      rejectedText = edited;
      reportSourceErrors(path, parsed.errors, logger);
      logger.error(
        { path, errors: parsed.errors.length },
        "the edited sources file has errors; the sources in force are kept until it is fixed",
      );
      return;
    }
    text = edited;
    sources = parsed.sources;
    byId = new Map(sources.map((s) => [s.id, s]));
    logger.info({ path, sources: sources.filter((s) => s.enabled).length }, "sources file reloaded");
    for (const listener of listeners) {
      try {
        await listener(sources);
      } catch (error) {
        logger.error({ path, err: error }, "applying the reloaded sources file failed");
      }
    }
  };

  let reloading: Promise<void> | undefined;
  const reloadOnce = () =>
    (reloading ??= reload()
      .catch((error: unknown) => logger.error({ path, err: error }, "sources file reload failed"))
      .finally(() => (reloading = undefined)));
  const timer = setInterval(() => void reloadOnce(), options.everyMs);
  timer.unref();

  return {
    path,
    current: () => sources,
    byId: () => byId,
    onChange: (listener) => void listeners.push(listener),
    reload: reloadOnce,
    async stop() {
      clearInterval(timer);
      await reloading;
    },
  };
}
