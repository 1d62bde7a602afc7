import type { IngestProgress } from "../ingest/run.ts";

interface Output {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

/** A one-line progress bar on a terminal; plain lines (one per finished source) otherwise. */
export function createProgress(output: Output) {
  let drawn = false;
  return {
    update(progress: IngestProgress): void {
      const { sourceId, done, total } = progress;
      if (!output.isTTY) {
        if (done === total) output.write(`${sourceId}: ${done}/${total}\n`);
        return;
      }
      const width = Math.max(10, Math.min(40, (output.columns ?? 80) - sourceId.length - 20));
      const filled = total === 0 ? width : Math.round((done / total) * width);
      output.write(
        `\r\x1b[2K${sourceId} [${"#".repeat(filled)}${"-".repeat(width - filled)}] ${done}/${total}`,
      );
      drawn = true;
    },
    finish(): void {
      if (drawn) output.write("\n");
      drawn = false;
    },
  };
}
