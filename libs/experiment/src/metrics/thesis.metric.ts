/**
 * The variant of the productivity metric published with Lukas Karsch's bachelor thesis
 * "CRUD vs. CQRS with Event Sourcing" (HdM Stuttgart, 2025/26; github.com/lukas-karsch/thesis).
 *
 * Read from the repository (not copied):
 *  - performance-tests/scalability_function.py (commit 5aea2d5213b60f7f7a78517a90cfee16e9ee1173):
 *      value        f = 1 / latency_p95                     (0 when p95 is 0)
 *      throughput   λ = max(0, rps - drop_rate)
 *      cost         C = w_cpu·CPU + w_storage·S + w_threads·(T/200)^2 + w_db·(D/10)^2
 *                       + w_rvr·(1 - read_visible_rate)^4
 *      weights      cpu 1.0, storage 0.5, threads 1.0, db 1.0, read_visible_weight 3.0
 *      F = λ·f / C (0 when C is 0), ψ = F2/F1 (0 when F1 is 0)
 *    The function's docstring writes (w_cpu·CPU)^2 and a linear DB term; the code that produced the
 *    published figures is linear in CPU and squares the DB saturation. We follow the code.
 *  - vault/Thesis/Technical Design Log/2026-02-23 Scalability Metrik.md (commit 0ec3fe3f856180f036cc7156b72053c7f4cceec6):
 *    k is the offered load in RPS (e.g. k1 = 500, k2 = 1000), CPU is the server's CPU usage (a
 *    fraction), S a storage ratio, T Tomcat worker threads (limit 200), D Hikari connections (pool 10),
 *    R the share of reads that saw the write after 100 ms; the ψ table is published there.
 *
 * Mapping onto Quest Fleet (our choice, stated in the report): CPU = CPU-seconds of the services
 * (the application, as the thesis measured it) / (window x the budget's cores); S = bytes on disk of
 * this cell / bytes of the CRUD cell at the same k and workload (1 for CRUD itself, and when there
 * is no CRUD cell); T = peak requests in flight, capped at the thread limit (Tomcat's pool size);
 * D = database connections in use (not measured: 0); R = share of consistency probes visible
 * within T^.
 * Inputs we did not measure contribute 0 (R defaults to 1, as in the thesis code).
 */

/** Weights of the cost terms (defaults: the values in scalability_function.py). */
export interface ThesisWeights {
  readonly cpu: number;
  readonly storage: number;
  readonly threads: number;
  readonly db: number;
  readonly readVisible: number;
}

export const THESIS_DEFAULT_WEIGHTS: ThesisWeights = {
  cpu: 1.0,
  storage: 0.5,
  threads: 1.0,
  db: 1.0,
  readVisible: 3.0,
};

export interface ThesisCostInputs {
  /** CPU usage as a fraction (0.26 = 26 %). */
  readonly cpu: number;
  /** Storage ratio S. */
  readonly storageRatio: number;
  /** Busy worker threads (requests in flight). */
  readonly threads: number;
  /** Database connections in use. */
  readonly dbConnections: number;
  /** Share of reads that saw the write in time, 0..1 (1 when not measured). */
  readonly readVisibleRate: number;
}

export interface ThesisLimits {
  readonly threadLimit: number;
  readonly dbConnectionLimit: number;
}

export const THESIS_DEFAULT_LIMITS: ThesisLimits = { threadLimit: 200, dbConnectionLimit: 10 };

/** The terms of the thesis cost, each already weighted, and their sum. */
export interface ThesisCostBreakdown {
  readonly cpu: number;
  readonly storage: number;
  readonly threads: number;
  readonly db: number;
  readonly readVisible: number;
  readonly total: number;
}

/** C(k) = w1·CPU + w2·S + w3·(T/limit)^2 + w4·(D/limit)^2 + w5·(1-R)^4. */
export const thesisCost = (
  inputs: ThesisCostInputs,
  weights: ThesisWeights = THESIS_DEFAULT_WEIGHTS,
  limits: ThesisLimits = THESIS_DEFAULT_LIMITS,
): ThesisCostBreakdown => {
  const cpu = weights.cpu * inputs.cpu;
  const storage = weights.storage * inputs.storageRatio;
  const threads = weights.threads * (inputs.threads / limits.threadLimit) ** 2;
  const db = weights.db * (inputs.dbConnections / limits.dbConnectionLimit) ** 2;
  const readVisible = weights.readVisible * (1 - inputs.readVisibleRate) ** 4;
  return {
    cpu,
    storage,
    threads,
    db,
    readVisible,
    total: cpu + storage + threads + db + readVisible,
  };
};

/** f = 1/T with T the p95 latency in milliseconds (0 when T is 0, as in the thesis code). */
export const thesisValue = (latencyP95Ms: number): number =>
  latencyP95Ms > 0 ? 1 / latencyP95Ms : 0;

/** F = λ·f/C with λ = max(0, rps - dropped/s); 0 when C is 0, as in the thesis code. */
export const thesisProductivity = (
  rps: number,
  droppedPerSecond: number,
  latencyP95Ms: number,
  cost: number,
): number => {
  const throughput = Math.max(0, rps - droppedPerSecond);
  return cost > 0 ? (throughput * thesisValue(latencyP95Ms)) / cost : 0;
};
