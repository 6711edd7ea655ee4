import type { Architecture } from '../config/experiment-config.schema';
import type { SearchSeed } from '../search/rate-search';

interface Found {
  readonly arch: Architecture;
  readonly workload: string;
  readonly k: number;
  /** Cores the system had (the load axis keeps them fixed across k). */
  readonly cores: number;
  /** 0 for the unmeasured pilot. */
  readonly repetition: number;
  /** Highest offered rate that held the SLO. */
  readonly rate: number;
}

/**
 * Where each cell's rate search starts. The λ already found for the same cell (an earlier
 * repetition) is the best guess; else the λ of the same architecture and workload at the
 * nearest budget, scaled by the ratio of the budgets' cores (linear scaling: a guess the
 * search corrects in a few doubling moves); else nothing, and the search grows from
 * search.startRate.
 */
export class SearchSeeds {
  private readonly found: Found[] = [];

  record(entry: Found): void {
    this.found.push(entry);
  }

  seedFor(arch: Architecture, workload: string, k: number, cores: number): SearchSeed | undefined {
    const same = this.found.filter((entry) => entry.arch === arch && entry.workload === workload);
    const sameK = same.filter((entry) => entry.k === k);
    const last = sameK[sameK.length - 1];
    const name = (entry: Found) =>
      entry.repetition === 0 ? 'the pilot' : `repetition ${entry.repetition}`;
    if (last)
      return {
        rate: last.rate,
        source: last.repetition === 0 ? 'the pilot' : `λ of repetition ${last.repetition}`,
      };
    const nearest = [...same].sort(
      (a, b) => Math.abs(Math.log(a.cores / cores)) - Math.abs(Math.log(b.cores / cores)),
    )[0];
    if (!nearest) return undefined;
    return {
      rate: Math.max(1, Math.round((nearest.rate * cores) / nearest.cores)),
      source: `λ at k=${nearest.k} (${name(nearest)}) × ${cores}/${nearest.cores} cores`,
    };
  }
}
