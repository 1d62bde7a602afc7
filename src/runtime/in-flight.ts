/** Work in progress, counted so that shutdown can wait for it to finish. */
export function createInFlight() {
  let running = 0;
  const waiters: Array<() => void> = [];
  return {
    async run<T>(work: () => Promise<T>): Promise<T> {
      running++;
      try {
        return await work();
      } finally {
        running--;
        if (running === 0) for (const resolve of waiters.splice(0)) resolve();
      }
    },
    /** Resolves once nothing is running. */
    drained(): Promise<void> {
      return running === 0 ? Promise.resolve() : new Promise((resolve) => waiters.push(resolve));
    },
  };
}

export type InFlight = ReturnType<typeof createInFlight>;
