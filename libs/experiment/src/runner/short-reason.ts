/** The first lines of an error, short enough for a report table. */
export const shortReason = (error: unknown): string => {
  const text = error instanceof Error ? error.message : String(error);
  const lines = text.split('\n').slice(0, 6).join(' | ');
  return lines.length > 600 ? `${lines.slice(0, 597)}...` : lines;
};

/** Waits `ms`, or less when the run is interrupted meanwhile. */
export const sleep = (ms: number, signal?: AbortSignal): Promise<void> =>
  new Promise<void>((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
