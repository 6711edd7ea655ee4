/**
 * The ψ values published with lukas-karsch/thesis, set beside ours in the report. Source:
 * `vault/Thesis/Technical Design Log/2026-02-23 Scalability Metrik.md`, commit
 * 0ec3fe3f856180f036cc7156b72053c7f4cceec6 (k is the offered load in RPS; thesis variant of F:
 * f = 1/p95, C = weighted CPU, storage and saturation terms; Spring Boot + PostgreSQL, Axon for ES).
 */
export interface PublishedPsi {
  readonly test: string;
  readonly k1: number;
  readonly k2: number;
  readonly crud: number;
  readonly esCqrs: number;
}

export const THESIS_SOURCE = {
  repository: 'https://github.com/lukas-karsch/thesis',
  designLog: 'vault/Thesis/Technical Design Log/2026-02-23 Scalability Metrik.md',
  designLogCommit: '0ec3fe3f856180f036cc7156b72053c7f4cceec6',
  script: 'performance-tests/scalability_function.py',
  scriptCommit: '5aea2d5213b60f7f7a78517a90cfee16e9ee1173',
} as const;

export const THESIS_PUBLISHED_PSI: readonly PublishedPsi[] = [
  { test: 'L1 create lecture (simple)', k1: 200, k2: 500, crud: 5.3952, esCqrs: 0.6237 },
  { test: 'L1 create lecture (simple)', k1: 500, k2: 1000, crud: 1.4361, esCqrs: 0.013 },
  { test: 'L2 create lecture (prerequisites)', k1: 200, k2: 500, crud: 2.5074, esCqrs: 0.3507 },
  { test: 'L2 create lecture (prerequisites)', k1: 500, k2: 1000, crud: 1.1114, esCqrs: 0.023 },
  { test: 'L3 enrollment', k1: 50, k2: 100, crud: 2.7632, esCqrs: 0.195 },
  { test: 'L4 read lectures for student', k1: 2000, k2: 3000, crud: 0.5913, esCqrs: 0.2774 },
  { test: 'L4 read lectures for student', k1: 3000, k2: 4000, crud: 0.0013, esCqrs: 0.0568 },
  { test: 'L6 get credits', k1: 1000, k2: 2000, crud: 0.4284, esCqrs: 1.1266 },
  { test: 'L6 get credits', k1: 2000, k2: 3000, crud: 0.0013, esCqrs: 0.3074 },
  { test: 'L7 time to consistency', k1: 300, k2: 400, crud: 1.1759, esCqrs: 0.3491 },
  { test: 'L8 reconstruction', k1: 500, k2: 1000, crud: 1.957, esCqrs: 1.1661 },
  { test: 'L8 reconstruction', k1: 1000, k2: 2000, crud: 1.3285, esCqrs: 0.0015 },
];
