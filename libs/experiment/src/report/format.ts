/** Number formatting shared by the report, the comparison and the progress lines. */

/** Three significant digits, thousands grouped, no exponent for ordinary magnitudes. */
export const fmt = (value: number | undefined, digits = 3): string => {
  if (value === undefined || Number.isNaN(value)) return '–';
  if (!Number.isFinite(value)) return value > 0 ? '∞' : '-∞';
  if (value === 0) return '0';
  const magnitude = Math.abs(value);
  if (magnitude >= 10 ** digits) return Math.round(value).toLocaleString('en-US');
  if (magnitude >= 1e-3) {
    const decimals = Math.max(0, digits - Math.floor(Math.log10(magnitude)) - 1);
    return value.toFixed(decimals);
  }
  return value.toExponential(digits - 1);
};

export const fmtBytes = (bytes: number | undefined): string => {
  if (bytes === undefined || !Number.isFinite(bytes)) return '–';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (Math.abs(value) >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${unit === 0 ? Math.round(value) : fmt(value)} ${units[unit]}`;
};

export const fmtMs = (ms: number | undefined): string => (ms === undefined ? '–' : `${fmt(ms)} ms`);

export const fmtPercent = (ratio: number | undefined): string =>
  ratio === undefined ? '–' : `${fmt(ratio * 100)} %`;

/** A money amount per hour from an amount per second. */
export const fmtPerHour = (perSecond: number, currency: string): string =>
  `${fmt(perSecond * 3600)} ${currency}/h`;

/** `41.2 [38.0, 44.9]`, or the estimate alone for one observation. */
export const fmtInterval = (
  interval: { estimate: number; low: number; high: number; method: string } | undefined,
  digits = 3,
): string => {
  if (!interval || !Number.isFinite(interval.estimate)) return '–';
  if (interval.method === 'single') return fmt(interval.estimate, digits);
  return `${fmt(interval.estimate, digits)} [${fmt(interval.low, digits)}, ${fmt(interval.high, digits)}]`;
};

/** An interval of a per-second money amount, shown per hour. */
export const fmtIntervalPerHour = (
  interval: { estimate: number; low: number; high: number; method: string } | undefined,
): string =>
  interval
    ? fmtInterval({
        ...interval,
        estimate: interval.estimate * 3600,
        low: interval.low * 3600,
        high: interval.high * 3600,
      })
    : '–';

/** Cores of a budget as configured: `0.4`, `1.6` (no padding zeros). */
export const fmtCores = (cores: number | undefined): string =>
  cores === undefined || !Number.isFinite(cores) ? '–' : String(Math.round(cores * 1000) / 1000);
