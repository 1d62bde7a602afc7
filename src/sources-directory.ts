import type { SourcesFile } from "./ingest/sources-file.ts";
import type { Source } from "./ingest/sources.ts";

/** What the bot knows of a source to show it: its display name and school. */
export interface SourceInfo {
  id: string;
  name: string;
  school: string;
  /** Disabled sources are listed but not fetched; absent means enabled. */
  enabled?: boolean;
}

export interface SourceDirectory {
  get(id: string): SourceInfo | undefined;
  list(): SourceInfo[];
}

export function createSourceDirectory(sources: readonly SourceInfo[]): SourceDirectory {
  const byId = new Map(sources.map((source) => [source.id, source]));
  return { get: (id) => byId.get(id), list: () => [...byId.values()] };
}

/** Follows the sources file: a source added, renamed or disabled there shows after the next reload. */
export function liveSourceDirectory(file: Pick<SourcesFile, "current" | "onChange">): SourceDirectory {
  const directoryOf = (sources: readonly Source[]) =>
    createSourceDirectory(
      sources.map((s) => ({ id: s.id, name: s.name, school: s.school ?? "", enabled: s.enabled })),
    );
  let directory = directoryOf(file.current());
  file.onChange((sources) => {
    directory = directoryOf(sources);
  });
  return { get: (id) => directory.get(id), list: () => directory.list() };
}
