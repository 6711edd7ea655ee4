import { ARCHITECTURES, type Architecture } from '../config/experiment-config.schema';
import {
  bootstrapInterval,
  meanInterval,
  ratioInterval,
  sideOf,
  type BootstrapOptions,
  type Interval,
} from '../stats/bootstrap';
import { permutationTest, type PermutationTest } from '../stats/permutation-test';
import type { ModelId, RepPoint } from './rep-points';

/** Repetitions of one (architecture, workload, k) with their intervals. */
export interface CellSummary {
  readonly arch: Architecture;
  readonly workload: string;
  readonly k: number;
  readonly cores: number;
  readonly n: number;
  readonly throughput: Interval;
  readonly latencyMs: Interval;
  readonly value: Interval;
  readonly C: Readonly<Partial<Record<ModelId, Interval>>>;
  readonly F: Readonly<Partial<Record<ModelId, Interval>>>;
  /** Every repetition's λ step held the SLO. */
  readonly withinSlo: boolean;
  readonly pollutedReps: number;
  readonly reps: readonly RepPoint[];
}

export type Verdict = 'scalable' | 'not scalable' | 'undecided';

/** ψ(k1, k2) = F(k2) / F(k1) with its interval and what the interval says. */
export interface PsiEntry {
  readonly k1: number;
  readonly k2: number;
  readonly cores1: number;
  readonly cores2: number;
  readonly psi: Interval;
  /** scalable: the whole interval ≥ threshold; not scalable: wholly below; undecided: across. */
  readonly verdict: Verdict;
}

export interface PsiSeries {
  readonly arch: Architecture;
  readonly workload: string;
  readonly model: ModelId;
  readonly entries: readonly PsiEntry[];
}

/** ES against CRUD at one k: F_es / F_crud and a permutation test of the difference in F. */
export interface ArchComparison {
  readonly workload: string;
  readonly k: number;
  readonly model: ModelId;
  readonly ratio: Interval;
  readonly test: PermutationTest;
  readonly significant: boolean;
}

/** ES against CRUD over one k pair: ψ_es / ψ_crud; the interval excluding 1 is a difference. */
export interface PsiComparison {
  readonly workload: string;
  readonly k1: number;
  readonly k2: number;
  readonly model: ModelId;
  readonly ratio: Interval;
  readonly significant: boolean;
}

/** A stable seed per interval, so a re-rendered report shows the same figures. */
const seedOf = (key: string): number => {
  let hash = 2166136261;
  for (let i = 0; i < key.length; i += 1) hash = Math.imul(hash ^ key.charCodeAt(i), 16777619);
  return hash >>> 0;
};

const withSeed = (options: Omit<BootstrapOptions, 'seed'>, key: string): BootstrapOptions => ({
  ...options,
  seed: seedOf(key),
});

const seriesKeys = (reps: readonly RepPoint[]) => {
  const keys: { arch: Architecture; workload: string; k: number }[] = [];
  for (const rep of reps)
    if (
      !keys.some((key) => key.arch === rep.arch && key.workload === rep.workload && key.k === rep.k)
    )
      keys.push({ arch: rep.arch, workload: rep.workload, k: rep.k });
  // Reports read best in a fixed order, whatever order the run measured in.
  return keys.sort(
    (a, b) =>
      ARCHITECTURES.indexOf(a.arch) - ARCHITECTURES.indexOf(b.arch) ||
      a.workload.localeCompare(b.workload) ||
      a.k - b.k,
  );
};

export const summarizeCells = (
  reps: readonly RepPoint[],
  models: readonly ModelId[],
  options: Omit<BootstrapOptions, 'seed'>,
): CellSummary[] =>
  seriesKeys(reps).map(({ arch, workload, k }) => {
    const own = reps.filter((rep) => rep.arch === arch && rep.workload === workload && rep.k === k);
    const key = `${arch}/${workload}/${k}`;
    const interval = (what: string, values: number[]) =>
      meanInterval(values, withSeed(options, `${key}/${what}`));
    return {
      arch,
      workload,
      k,
      cores: own[0]?.cores ?? 0,
      n: own.length,
      throughput: interval(
        'lambda',
        own.map((rep) => rep.throughput),
      ),
      latencyMs: interval(
        'latency',
        own.map((rep) => rep.latencyMs),
      ),
      value: interval(
        'value',
        own.map((rep) => rep.value),
      ),
      C: Object.fromEntries(
        models.map((model) => [
          model,
          interval(
            `C/${model}`,
            own.map((rep) => rep.C[model] ?? Number.NaN),
          ),
        ]),
      ),
      F: Object.fromEntries(
        models.map((model) => [
          model,
          interval(
            `F/${model}`,
            own.map((rep) => rep.F[model] ?? Number.NaN),
          ),
        ]),
      ),
      withinSlo: own.every((rep) => rep.withinSlo),
      pollutedReps: own.filter((rep) => rep.polluted).length,
      reps: own,
    };
  });

const fOf = (cell: CellSummary, model: ModelId) =>
  cell.reps.map((rep) => rep.F[model] ?? Number.NaN);

/** ψ(k1, k2) for every pair k1 < k2 of every series, under every model. */
export const psiSeries = (
  cells: readonly CellSummary[],
  models: readonly ModelId[],
  threshold: number,
  options: Omit<BootstrapOptions, 'seed'>,
): PsiSeries[] => {
  const series: PsiSeries[] = [];
  const pairs = [...new Set(cells.map((cell) => `${cell.arch}|${cell.workload}`))];
  for (const pair of pairs) {
    const [arch, workload] = pair.split('|') as [Architecture, string];
    const own = cells
      .filter((cell) => cell.arch === arch && cell.workload === workload)
      .sort((a, b) => a.k - b.k);
    for (const model of models) {
      const entries: PsiEntry[] = [];
      own.forEach((first, i) => {
        for (const second of own.slice(i + 1)) {
          const psi = ratioInterval(
            fOf(second, model),
            fOf(first, model),
            withSeed(options, `psi/${pair}/${model}/${first.k}/${second.k}`),
          );
          const side = sideOf(psi, threshold);
          entries.push({
            k1: first.k,
            k2: second.k,
            cores1: first.cores,
            cores2: second.cores,
            psi,
            verdict:
              side === 'above' ? 'scalable' : side === 'below' ? 'not scalable' : 'undecided',
          });
        }
      });
      series.push({ arch, workload, model, entries });
    }
  }
  return series;
};

/** ES against CRUD per workload and k, and per k pair, under every model. */
export const compareArchitectures = (
  cells: readonly CellSummary[],
  models: readonly ModelId[],
  options: Omit<BootstrapOptions, 'seed'> & { alpha: number },
): { atK: ArchComparison[]; psi: PsiComparison[] } => {
  const atK: ArchComparison[] = [];
  const psi: PsiComparison[] = [];
  const find = (arch: Architecture, workload: string, k: number) =>
    cells.find((cell) => cell.arch === arch && cell.workload === workload && cell.k === k);
  for (const es of cells.filter((cell) => cell.arch === 'es')) {
    const crud = find('crud', es.workload, es.k);
    if (!crud) continue;
    for (const model of models) {
      const ratio = ratioInterval(
        fOf(es, model),
        fOf(crud, model),
        withSeed(options, `arch/${es.workload}/${es.k}/${model}`),
      );
      const test = permutationTest(fOf(es, model), fOf(crud, model));
      atK.push({
        workload: es.workload,
        k: es.k,
        model,
        ratio,
        test,
        significant: test.pValue < options.alpha,
      });
    }
  }
  const esCells = cells.filter((cell) => cell.arch === 'es');
  for (const first of esCells) {
    for (const second of esCells.filter(
      (cell) => cell.workload === first.workload && cell.k > first.k,
    )) {
      const crud1 = find('crud', first.workload, first.k);
      const crud2 = find('crud', first.workload, second.k);
      if (!crud1 || !crud2) continue;
      for (const model of models) {
        const ratio = bootstrapInterval(
          [fOf(second, model), fOf(first, model), fOf(crud2, model), fOf(crud1, model)],
          ([e2, e1, c2, c1]) => (e2 as number) / (e1 as number) / ((c2 as number) / (c1 as number)),
          withSeed(options, `psi-arch/${first.workload}/${first.k}/${second.k}/${model}`),
        );
        psi.push({
          workload: first.workload,
          k1: first.k,
          k2: second.k,
          model,
          ratio,
          significant: sideOf(ratio, 1) !== 'across' && ratio.method === 'bootstrap',
        });
      }
    }
  }
  return { atK, psi };
};
