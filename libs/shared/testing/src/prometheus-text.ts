/** Reads one sample of a Prometheus text exposition (sum over label sets when no labels are given). */
export const metricValue = (
  text: string,
  name: string,
  labels: Record<string, string> = {},
): number => {
  let sum = 0;
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][\w:]*)(\{[^}]*\})?\s+(\S+)/.exec(line);
    if (!match || match[1] !== name) continue;
    const set = match[2] ?? '';
    if (Object.entries(labels).every(([key, value]) => set.includes(`${key}="${value}"`)))
      sum += Number(match[3]);
  }
  return sum;
};

/** GET /metrics of a service, parsed on demand. */
export const scrape = async (url: string): Promise<string> =>
  (await fetch(`${url}/metrics`)).text();
