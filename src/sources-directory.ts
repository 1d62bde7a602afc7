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
