/**
 * Retries an assertion until it passes or `timeoutMs` runs out (then rethrows its last
 * failure). For state that becomes visible asynchronously (offsets, projections); it
 * asserts what happens, never how fast.
 */
export const eventually = async <T>(
  assertion: () => Promise<T> | T,
  { timeoutMs = 30_000, intervalMs = 100 }: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<T> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await assertion();
    } catch (error) {
      if (Date.now() >= deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  }
};
