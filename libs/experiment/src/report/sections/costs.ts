import type { Analysis } from '../../analysis/analyze';
import type { CostModelId } from '../../config/experiment-config.schema';
import type { ExperimentResults } from '../../results/experiment-results';
import { ARCH_LABEL, MODEL_LABEL, type ChartSpec } from '../charts';
import { fmt, fmtPerHour } from '../format';
import type { Block } from '../report-document';
import { chartBlock } from './chart-block';

const R = 'right' as const;
const L = 'left' as const;

/** What each cost model priced at each k (means over the repetitions), per component. */
export const costBlocks = (
  results: ExperimentResults,
  analysis: Analysis,
  charts: readonly ChartSpec[],
): Block[] => {
  const currency = results.prices.currency;
  const models = analysis.models.filter((model): model is CostModelId => model !== 'thesis');
  const rows = analysis.cells.flatMap((cell) =>
    models.map((model) => {
      const costs = cell.reps.map((rep) => rep.costs[model]).filter((cost) => cost !== undefined);
      const mean = (pick: (cost: (typeof costs)[number]) => number) =>
        costs.length > 0
          ? costs.reduce((sum, cost) => sum + pick(cost), 0) / costs.length
          : Number.NaN;
      return [
        ARCH_LABEL[cell.arch],
        cell.workload,
        String(cell.k),
        MODEL_LABEL[model],
        fmt(mean((cost) => cost.quantities.cores)),
        fmt(mean((cost) => cost.quantities.memoryGiB)),
        fmt(
          mean(
            (cost) =>
              (cost.quantities.databaseGiBPerSecond + cost.quantities.eventStoreGiBPerSecond) *
              1024 ** 2,
          ),
        ),
        fmt(mean((cost) => cost.quantities.instances)),
        fmtPerHour(
          mean((cost) => cost.cpu),
          currency,
        ),
        fmtPerHour(
          mean((cost) => cost.memory),
          currency,
        ),
        fmtPerHour(
          mean((cost) => cost.database + cost.eventStore),
          currency,
        ),
        fmtPerHour(
          mean((cost) => cost.ops),
          currency,
        ),
        fmtPerHour(
          mean((cost) => cost.total),
          currency,
        ),
      ];
    }),
  );
  if (rows.length === 0) return [];
  return [
    { kind: 'heading', level: 2, text: 'Cost under each model' },
    {
      kind: 'paragraph',
      text: 'What was priced at the λ step (means over the repetitions): cores (the budget when provisioned, the CPU used on use), memory (peak RSS when provisioned, average on use), durable storage growth (event log and database; topics bounded by retention or compaction are not growth) in KiB/s, operated instances (service replicas, Kafka, the database, Redis where the architecture uses it).',
    },
    {
      kind: 'table',
      header: [
        'architecture',
        'workload',
        'k',
        'model',
        'cores',
        'GiB',
        'growth KiB/s',
        'instances',
        'CPU',
        'RAM',
        'storage',
        'ops',
        'C',
      ],
      align: [L, L, R, L, R, R, R, R, R, R, R, R, R],
      rows,
    },
    ...chartBlock(charts, 'cost-breakdown'),
  ];
};
