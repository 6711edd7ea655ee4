import type { ChartSpec } from '../charts';
import type { Block } from '../report-document';

/** The chart with this id, if it was rendered. */
export const chartBlock = (charts: readonly ChartSpec[], id: string): Block[] => {
  const spec = charts.find((candidate) => candidate.id === id);
  return spec ? [{ kind: 'chart', id: spec.id, title: spec.title, caption: spec.caption }] : [];
};
