/** Reading a remote system's CPU: Prometheus queries and /metrics scrapes (parsers are pure). */

/** Sum of an instant-vector answer of the Prometheus HTTP API (`/api/v1/query`). */
export const parsePrometheusVector = (body: unknown): number => {
  const answer = body as {
    status?: string;
    error?: string;
    data?: { resultType?: string; result?: { value?: [number, string] }[] };
  };
  if (answer?.status !== 'success')
    throw new Error(
      `Prometheus answered ${answer?.status ?? 'nothing'}${answer?.error ? `: ${answer.error}` : ''}`,
    );
  if (answer.data?.resultType !== 'vector' && answer.data?.resultType !== 'scalar')
    throw new Error(
      `expected an instant vector from Prometheus, got ${answer.data?.resultType ?? 'nothing'}`,
    );
  const values = (answer.data.result ?? []).map((sample) => Number(sample.value?.[1]));
  if (values.length === 0) throw new Error('the Prometheus query matched no series');
  return values.reduce((sum, value) => sum + (Number.isFinite(value) ? value : 0), 0);
};

/** The value of an unlabelled (or first labelled) sample of `metric` in Prometheus text format. */
export const parseMetricValue = (text: string, metric: string): number | undefined => {
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})?\s+([-+0-9.eE]+|NaN|[+-]Inf)/.exec(
      line.trim(),
    );
    if (match && match[1] === metric) return Number(match[3]);
  }
  return undefined;
};

/** `{arch} {k} {replicas} {cores} {service}` placeholders of a scale command, filled in. */
export const fillCommand = (
  template: string,
  values: Readonly<Record<string, string | number>>,
): string =>
  template.replace(/\{(\w+)\}/g, (whole, name: string) =>
    values[name] === undefined ? whole : String(values[name]),
  );

/** The PromQL of the config with `{window}` set to the window in whole seconds (at least 1). */
export const windowQuery = (query: string, seconds: number): string =>
  query.replace(/\{window\}/g, String(Math.max(1, Math.round(seconds))));
