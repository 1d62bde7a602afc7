/** One thing a process needs before it is of use: Redis answering, the index loaded, workers attached. */
export type ReadinessCheck = () => boolean | Promise<boolean>;

export type Phase = "starting" | "running" | "stopping";

export interface ReadinessReport {
  ready: boolean;
  phase: Phase;
  checks: Record<string, boolean>;
}

/** A check that takes longer than this counts as failed: a probe must answer in time. */
const CHECK_TIMEOUT_MS = 1000;

async function passes(check: ReadinessCheck): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), CHECK_TIMEOUT_MS);
  });
  try {
    return await Promise.race([Promise.resolve().then(check), timeout]);
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Readiness of one process: not ready while starting (until `started()`), nor once stopping, nor
 * while any registered check fails.
 */
export function createReadiness() {
  const checks = new Map<string, ReadinessCheck>();
  let phase: Phase = "starting";
  return {
    add(name: string, check: ReadinessCheck): void {
      checks.set(name, check);
    },
    started(): void {
      if (phase === "starting") phase = "running";
    },
    stopping(): void {
      phase = "stopping";
    },
    async report(): Promise<ReadinessReport> {
      const results = await Promise.all(
        [...checks].map(async ([name, check]) => [name, await passes(check)]),
      );
      const passed = Object.fromEntries(results) as Record<string, boolean>;
      const ready = phase === "running" && Object.values(passed).every(Boolean);
      return { ready, phase, checks: passed };
    },
  };
}

export type Readiness = ReturnType<typeof createReadiness>;
