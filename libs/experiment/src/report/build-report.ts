import type { Analysis } from '../analysis/analyze';
import { chooseStep } from '../analysis/analyze';
import { THESIS_PUBLISHED_PSI, THESIS_SOURCE } from '../metrics/thesis-published';
import type { CellResult, ExperimentResults } from '../results/experiment-results';
import { ARCH_LABEL, type ChartSpec } from './charts';
import { fmt, fmtBytes, fmtMs, fmtPercent, fmtPerHour } from './format';
import type { Block } from './report-document';

const R = 'right' as const;
const L = 'left' as const;

/** The sentence every report carries: where the figures come from. */
export const sharedMachineStatement = (results: ExperimentResults): string =>
  `All figures come from ONE shared machine with ${results.machine.cores} cores (${results.machine.cpuModel}, ${fmtBytes(results.machine.memoryBytes)} RAM): ` +
  'Kafka, the database, Redis, every service replica and the load generator all run on these same cores. ' +
  'Adding replicas (k) adds processes, not hardware, so the scale factor shows how each architecture uses one fixed machine, and absolute rates are far below what a cluster would serve.';

const cellLabel = (cell: Pick<CellResult, 'arch' | 'workload' | 'k'>) =>
  `${ARCH_LABEL[cell.arch]} · ${cell.workload} · k=${cell.k}`;

const failures = (results: ExperimentResults): string[] => {
  const lines: string[] = [];
  for (const cell of results.cells) {
    if (cell.status !== 'ok')
      lines.push(`${cellLabel(cell)}: **${cell.status}**${cell.reason ? ` (${cell.reason})` : ''}`);
    for (const step of cell.steps) {
      if (step.status === 'failed')
        lines.push(
          `${cellLabel(cell)}, step ${step.index} at ${fmt(step.offeredRate)} req/s: **failed** (${step.reason ?? 'no reason recorded'})`,
        );
    }
  }
  for (const replay of results.replay) {
    if (replay.status === 'failed')
      lines.push(
        `replay ${ARCH_LABEL[replay.arch]} ${replay.view}: **failed** (${replay.reason ?? 'no reason recorded'})`,
      );
  }
  return lines;
};

const methodBlocks = (results: ExperimentResults, analysis: Analysis): Block[] => {
  const { config, prices } = results;
  const blocks: Block[] = [
    { kind: 'heading', level: 2, text: 'Method' },
    {
      kind: 'list',
      items: [
        `Load: open loop at a constant arrival rate (requests are sent on schedule whether or not earlier ones answered, so slow answers cannot hide the requests that should have been sent meanwhile); latencies recorded in HdrHistogram. Warm-up ${config.durations.warmupSeconds} s, measured step ${config.durations.stepSeconds} s.`,
        config.axis === 'resources'
          ? `Scale axis **resources**: k replicas of each scalable service (${Object.entries(
              config.services,
            )
              .map(([arch, services]) => `${arch}: ${services.join(', ')}`)
              .join(
                '; ',
              )}), ${config.partitions} partitions at every k. At each k the rate search grows the offered rate from ${config.search.startRate} req/s by ×${config.search.growthFactor} (at most ${config.search.maxRate} req/s), then bisects to ${config.search.resolution * 100} %; λ(k) is the highest rate whose p${config.slo.percentile} stays within T^ = ${config.slo.latencyMs} ms with at most ${fmtPercent(config.slo.maxErrorRatio)} errors.`
          : `Scale axis **load**: k scales the offered arrival rate (${config.scale.map((point) => `k=${point.k}: ${fmt(point.offeredRate)} req/s`).join(', ')}) at fixed replicas (one of each service), the axis used by lukas-karsch/thesis.`,
        `Value of a response: ${analysis.variant === 'thesis' ? 'f = 1/T (thesis variant)' : 'f = 1/(1 + T/T^)'} with T the p${config.slo.percentile} latency and T^ = ${config.slo.latencyMs} ms.`,
        analysis.variant === 'thesis'
          ? 'Cost (thesis variant): C = w1·CPU + w2·S + w3·(T/200)² + w4·(D/10)² + w5·(1−R)⁴, dimensionless: CPU = system CPU-seconds / (window × cores); S = bytes on disk relative to the CRUD cell at the same k (1 for CRUD); T = peak requests in flight; D = peak DB connections; R = share of consistency probes visible within T^.'
          : `Cost per second: C = C_infra + C_storage + C_ops. C_infra = Σ CPU-seconds / window × ${prices.vcpuHour} ${prices.currency}/vCPU-h ÷ 3600 + Σ average RSS (GiB) × ${prices.memoryGiBHour} ${prices.currency}/GiB-h ÷ 3600; C_storage = (database GiB × ${prices.storageGiBMonth} + event-store GiB × ${prices.eventStoreGiBMonth}) ${prices.currency}/GiB-month ÷ (${prices.hoursPerMonth} h × 3600); C_ops = instances × ${prices.opsInstanceHour} ${prices.currency}/instance-h ÷ 3600. The load generator is the client and is not costed.`,
        `Productivity F(k) = λ(k)·f(k)/C(k)${analysis.variant === 'thesis' ? '' : ' (value-weighted responses per unit of money)'}; scalability ψ(k1,k2) = F(k2)/F(k1) for every pair k1 < k2, **scalable** when ψ ≥ ${config.psiThreshold}.`,
        'Universal Scalability Law: X(k) = λ1·k / (1 + σ(k−1) + κ·k(k−1)), σ, κ ≥ 0, least squares on λ(k); with two k values κ is fixed at 0. Values beyond the largest measured k are projections.',
        'Resources: CPU-seconds (utime + stime) and resident memory (VmRSS) of every process tree sampled from /proc once a second; bytes on disk are allocated blocks (du-like) of the Kafka log and the database data directory.',
      ],
    },
    { kind: 'paragraph', text: `Metric variant used for F and ψ: **${analysis.variantLabel}**.` },
  ];
  if (analysis.variant === 'thesis') {
    blocks.push({
      kind: 'paragraph',
      text:
        `The thesis variant follows ${THESIS_SOURCE.repository}: \`${THESIS_SOURCE.script}\` (commit ${THESIS_SOURCE.scriptCommit.slice(0, 10)}) computes f = 1/latency_p95, λ = rps − dropped, ` +
        'C = w_cpu·CPU + w_storage·S + w_threads·(threads/200)² + w_db·(db/10)² + w_rvr·(1 − read_visible_rate)⁴ with weights cpu 1.0, storage 0.5, threads 1.0, db 1.0, read-visible 3.0 ' +
        `(its docstring squares the CPU term, its code does not; we follow the code, which reproduces the published figures). Weights used here: ${Object.entries(
          config.metric.thesis.weights,
        )
          .map(([name, weight]) => `${name} ${weight}`)
          .join(
            ', ',
          )}. The mapping of Spring/Tomcat/Hikari quantities onto this Node fleet (threads → requests in flight, DB connections → driver connections in use) is ours.`,
    });
  }
  blocks.push(
    { kind: 'heading', level: 3, text: 'Prices' },
    {
      kind: 'table',
      header: ['item', 'price', 'source'],
      align: [L, R, L],
      rows: [
        ['vCPU-hour', `${prices.vcpuHour} ${prices.currency}`, sourceFor(results, 'vcpuHour')],
        [
          'GiB-hour of RAM',
          `${prices.memoryGiBHour} ${prices.currency}`,
          sourceFor(results, 'memoryGiBHour'),
        ],
        [
          'GiB-month, database storage',
          `${prices.storageGiBMonth} ${prices.currency}`,
          sourceFor(results, 'storageGiBMonth'),
        ],
        [
          'GiB-month, event store',
          `${prices.eventStoreGiBMonth} ${prices.currency}`,
          sourceFor(results, 'eventStoreGiBMonth'),
        ],
        [
          'instance-hour, operations',
          `${prices.opsInstanceHour} ${prices.currency}`,
          sourceFor(results, 'opsInstanceHour'),
        ],
      ],
    },
  );
  return blocks;
};

const sourceFor = (results: ExperimentResults, item: string): string => {
  const sources = results.prices.sources.filter(
    (source) => source.item === item || source.item === 'all',
  );
  return sources.length > 0
    ? sources.map((source) => `${source.note} (${source.source})`).join('; ')
    : 'no source given';
};

/** The whole report as blocks (rendered to report.md and report.html). */
export const buildReportBlocks = (
  results: ExperimentResults,
  analysis: Analysis,
  charts: readonly ChartSpec[],
): Block[] => {
  const { config } = results;
  const currency = results.prices.currency;
  const chart = (id: string): Block[] => {
    const spec = charts.find((candidate) => candidate.id === id);
    return spec ? [{ kind: 'chart', id: spec.id, title: spec.title, caption: spec.caption }] : [];
  };
  const blocks: Block[] = [
    { kind: 'heading', level: 1, text: `Quest Fleet experiment: ${config.name}` },
  ];

  if (results.synthetic) {
    blocks.push({
      kind: 'callout',
      tone: 'warning',
      text: 'SYNTHETIC DATA. These figures were generated by a test helper to check how the report renders; nothing here was measured.',
    });
  }
  blocks.push({ kind: 'callout', tone: 'info', text: sharedMachineStatement(results) });
  if (results.status !== 'complete') {
    blocks.push({
      kind: 'callout',
      tone: 'warning',
      text: `This run is **${results.status}**${results.reason ? `: ${results.reason}` : ''}. Everything measured before it stopped is reported; missing cells were not measured.`,
    });
  }
  const failed = failures(results);
  if (failed.length > 0) {
    blocks.push({
      kind: 'callout',
      tone: 'warning',
      text: `${failed.length} step(s) or part(s) failed; they are kept and marked below (see "Failures").`,
    });
  }

  blocks.push(
    {
      kind: 'paragraph',
      text: `Config \`${results.configFile}\`${config.description ? ` — ${config.description}` : ''}. Started ${results.startedAt}${results.finishedAt ? `, finished ${results.finishedAt}` : ''}. Architectures: ${config.architectures.map((arch) => ARCH_LABEL[arch]).join(', ')}; axis **${config.axis}**; k = ${config.k.join(', ')}; workloads: ${config.workloads.map((workload) => workload.name).join(', ')}.`,
    },
    { kind: 'heading', level: 2, text: 'Scalability ψ' },
  );

  const psiRows = analysis.psi.flatMap((series) =>
    series.entries.map((entry) => [
      ARCH_LABEL[series.arch],
      series.workload,
      `${entry.k1} → ${entry.k2}`,
      fmt(entry.F1),
      fmt(entry.F2),
      fmt(entry.psi),
      entry.psi === undefined
        ? 'undefined (F(k1) = 0)'
        : entry.scalable
          ? `**scalable** (≥ ${config.psiThreshold})`
          : `not scalable (< ${config.psiThreshold})`,
    ]),
  );
  blocks.push(
    psiRows.length > 0
      ? {
          kind: 'table',
          header: ['architecture', 'workload', 'k1 → k2', 'F(k1)', 'F(k2)', 'ψ', 'verdict'],
          align: [L, L, L, R, R, R, L],
          rows: psiRows,
        }
      : {
          kind: 'paragraph',
          text: 'No ψ: fewer than two k values were measured for every series.',
        },
    ...chart('psi-vs-k'),
  );

  if (config.axis === 'load' || analysis.variant === 'thesis') {
    blocks.push(
      { kind: 'heading', level: 3, text: 'Beside the thesis (lukas-karsch/thesis)' },
      {
        kind: 'paragraph',
        text: `The ψ values published with the thesis (load axis, thesis variant; Spring Boot + PostgreSQL, Axon Server for ES), from \`${THESIS_SOURCE.designLog}\` at commit ${THESIS_SOURCE.designLogCommit.slice(0, 10)} of ${THESIS_SOURCE.repository}. Different domain, stack and machine: compare directions, not values.`,
      },
      {
        kind: 'table',
        header: ['thesis test', 'k1 → k2 (req/s)', 'ψ CRUD', 'ψ ES-CQRS'],
        align: [L, L, R, R],
        rows: THESIS_PUBLISHED_PSI.map((entry) => [
          entry.test,
          `${entry.k1} → ${entry.k2}`,
          String(entry.crud),
          String(entry.esCqrs),
        ]),
      },
    );
  }

  blocks.push(
    { kind: 'heading', level: 2, text: 'Productivity per k' },
    {
      kind: 'paragraph',
      text: `One row per (architecture, workload, k): the chosen step (highest offered rate within the SLO). λ counts successful responses; rejections are valid domain answers (409/422) counted apart; errors are 5xx, timeouts and transport failures. C is shown per hour.`,
    },
    {
      kind: 'table',
      header: [
        'architecture',
        'workload',
        'k',
        'offered req/s',
        'λ resp/s',
        'p50',
        'p95',
        'p99',
        'errors',
        'rejections',
        'f',
        analysis.variant === 'thesis' ? 'C (thesis)' : `C ${currency}/h`,
        'F',
        'SLO',
      ],
      align: [L, L, R, R, R, R, R, R, R, R, R, R, R, L],
      rows: analysis.points.map((point) => {
        const cell = results.cells.find(
          (candidate) =>
            candidate.arch === point.arch &&
            candidate.workload === point.workload &&
            candidate.k === point.k,
        );
        const step = cell?.steps.find((candidate) => candidate.index === point.stepIndex);
        return [
          ARCH_LABEL[point.arch],
          point.workload,
          String(point.k),
          fmt(point.offeredRate),
          fmt(point.throughput),
          fmtMs(step?.latencyMs.p50),
          fmtMs(step?.latencyMs.p95),
          fmtMs(step?.latencyMs.p99),
          String(step?.requests.errors ?? '–'),
          String(step?.requests.rejections ?? '–'),
          fmt(point.value),
          analysis.variant === 'thesis' ? fmt(point.costUsed) : fmt(point.cost.total * 3600),
          fmt(point.F),
          point.withinSlo ? 'held' : '**missed**',
        ];
      }),
    },
    ...chart('latency-vs-throughput'),
    { kind: 'heading', level: 2, text: 'Cost' },
    {
      kind: 'table',
      header: [
        'architecture',
        'workload',
        'k',
        'CPU-s per s',
        'avg RSS',
        'disk',
        'instances',
        'CPU',
        'RAM',
        'database',
        'event store',
        'ops',
        'total',
      ],
      align: [L, L, R, R, R, R, R, R, R, R, R, R, R],
      rows: analysis.points.map((point) => {
        const cell = results.cells.find(
          (candidate) =>
            candidate.arch === point.arch &&
            candidate.workload === point.workload &&
            candidate.k === point.k,
        );
        const step = cell?.steps.find((candidate) => candidate.index === point.stepIndex);
        const system = step?.processes.filter((process) => process.role !== 'loadgen') ?? [];
        return [
          ARCH_LABEL[point.arch],
          point.workload,
          String(point.k),
          step
            ? fmt(
                system.reduce((sum, process) => sum + process.cpuSeconds, 0) / step.durationSeconds,
              )
            : '–',
          fmtBytes(system.reduce((sum, process) => sum + process.avgRssBytes, 0)),
          fmtBytes(step?.disk.reduce((sum, entry) => sum + entry.bytes, 0)),
          String(point.cost.instances),
          fmtPerHour(point.cost.cpu, currency),
          fmtPerHour(point.cost.memory, currency),
          fmtPerHour(point.cost.database, currency),
          fmtPerHour(point.cost.eventStore, currency),
          fmtPerHour(point.cost.ops, currency),
          fmtPerHour(point.cost.total, currency),
        ];
      }),
    },
    ...chart('cost-breakdown'),
  );

  if (analysis.variant === 'thesis') {
    blocks.push({
      kind: 'table',
      header: [
        'architecture',
        'workload',
        'k',
        'CPU',
        'S',
        'threads',
        'DB conns',
        'R',
        'C (thesis)',
      ],
      align: [L, L, R, R, R, R, R, R, R],
      rows: analysis.points.map((point) => [
        ARCH_LABEL[point.arch],
        point.workload,
        String(point.k),
        fmt(point.thesis?.inputs.cpu),
        fmt(point.thesis?.inputs.storageRatio),
        fmt(point.thesis?.inputs.threads),
        fmt(point.thesis?.inputs.dbConnections),
        fmt(point.thesis?.inputs.readVisibleRate),
        fmt(point.thesis?.cost.total),
      ]),
    });
  }

  blocks.push(
    { kind: 'heading', level: 2, text: 'Universal Scalability Law fit and projection' },
    {
      kind: 'callout',
      tone: 'info',
      text: 'Values beyond the largest measured k are a PROJECTION of the fitted curve, not measurements; on one 2-core machine the replicas share the cores, so the curve describes this machine.',
    },
    {
      kind: 'table',
      header: ['architecture', 'workload', 'λ1', 'σ', 'κ', 'peak k', 'RMSE', 'method', 'notes'],
      align: [L, L, R, R, R, R, R, L, L],
      rows: analysis.usl.map((series) => [
        ARCH_LABEL[series.arch],
        series.workload,
        fmt(series.fit.lambda1),
        fmt(series.fit.sigma),
        fmt(series.fit.kappa),
        fmt(series.fit.peakK),
        fmt(series.fit.rmse),
        series.fit.method,
        series.fit.notes.join('; ') || '–',
      ]),
    },
  );
  const projectionKs = [
    ...new Set(
      analysis.usl.flatMap((series) =>
        series.fit.curve.filter((point) => point.projection).map((point) => point.k),
      ),
    ),
  ].sort((a, b) => a - b);
  if (projectionKs.length > 0) {
    const shown = projectionKs.filter(
      (k) =>
        k <= 4 || Number.isInteger(Math.log2(k)) || k === projectionKs[projectionKs.length - 1],
    );
    blocks.push({
      kind: 'table',
      header: ['architecture', 'workload', ...shown.map((k) => `k=${k} (projection)`)],
      align: [L, L, ...shown.map(() => R)],
      rows: analysis.usl.map((series) => [
        ARCH_LABEL[series.arch],
        series.workload,
        ...shown.map((k) => fmt(series.fit.curve.find((point) => point.k === k)?.throughput)),
      ]),
    });
  }
  blocks.push(...chart('usl-throughput'));

  blocks.push({ kind: 'heading', level: 2, text: 'Time to consistency and consumer lag' });
  const ttcRows = results.cells.flatMap((cell) => {
    const step = chooseStep(cell);
    if (!step) return [];
    const ttc = step.timeToConsistency;
    const lag = step.consumerLag ?? [];
    return [
      [
        ARCH_LABEL[cell.arch],
        cell.workload,
        String(cell.k),
        ttc ? String(ttc.count) : '–',
        fmtMs(ttc?.p50),
        fmtMs(ttc?.p95),
        fmtMs(ttc?.p99),
        ttc ? String(ttc.timeouts) : '–',
        lag.length > 0
          ? lag
              .map(
                (entry) =>
                  `${entry.group}: ${entry.totalLag}${entry.timeLagMs !== undefined ? ` (${fmtMs(entry.timeLagMs)})` : ''}`,
              )
              .join(', ')
          : '–',
      ],
    ];
  });
  blocks.push(
    ttcRows.length > 0
      ? {
          kind: 'table',
          header: [
            'architecture',
            'workload',
            'k',
            'probes',
            'p50',
            'p95',
            'p99',
            'not visible',
            'lag at end (records)',
          ],
          align: [L, L, R, R, R, R, R, R, L],
          rows: ttcRows,
        }
      : { kind: 'paragraph', text: 'Not measured.' },
    ...chart('time-to-consistency'),
    { kind: 'heading', level: 2, text: 'Replay, storage and history' },
  );
  blocks.push(
    results.replay.length > 0
      ? {
          kind: 'table',
          header: ['architecture', 'view', 'events', 'seconds', 'events/s', 'status'],
          align: [L, L, R, R, R, L],
          rows: results.replay.map((entry) => [
            ARCH_LABEL[entry.arch],
            entry.view,
            String(entry.events),
            fmt(entry.seconds),
            fmt(entry.eventsPerSecond),
            entry.status === 'ok' ? 'ok' : `**failed**: ${entry.reason ?? ''}`,
          ]),
        }
      : { kind: 'paragraph', text: 'Replay was not measured.' },
    ...chart('replay-time'),
    results.storagePerChange.length > 0
      ? {
          kind: 'table',
          header: ['architecture', 'state changes', 'components', 'bytes per change'],
          align: [L, R, L, R],
          rows: results.storagePerChange.map((entry) => [
            ARCH_LABEL[entry.arch],
            String(entry.changes),
            Object.entries(entry.bytesByComponent)
              .map(([component, bytes]) => `${component} ${fmtBytes(bytes)}`)
              .join(', '),
            fmt(entry.bytesPerChange),
          ]),
        }
      : { kind: 'paragraph', text: 'Storage per change was not measured.' },
    ...chart('storage-per-change'),
    results.history.length > 0
      ? {
          kind: 'table',
          header: ['architecture', 'query', 'requests', 'p50', 'p95', 'p99', 'max'],
          align: [L, L, R, R, R, R, R],
          rows: results.history.map((entry) => [
            ARCH_LABEL[entry.arch],
            entry.query,
            String(entry.requests),
            fmtMs(entry.latencyMs.p50),
            fmtMs(entry.latencyMs.p95),
            fmtMs(entry.latencyMs.p99),
            fmtMs(entry.latencyMs.max),
          ]),
        }
      : { kind: 'paragraph', text: 'History latency was not measured.' },
    ...chart('history-latency'),
  );

  blocks.push(
    { kind: 'heading', level: 2, text: 'Rate search trace' },
    {
      kind: 'table',
      header: [
        'architecture',
        'workload',
        'k',
        'step',
        'offered req/s',
        'λ resp/s',
        'p95',
        'sent',
        'errors',
        'rejections',
        'SLO',
        'status',
      ],
      align: [L, L, R, R, R, R, R, R, R, R, L, L],
      rows: results.cells.flatMap((cell) => {
        const chosen = chooseStep(cell);
        if (cell.steps.length === 0) {
          return [
            [
              ARCH_LABEL[cell.arch],
              cell.workload,
              String(cell.k),
              '–',
              '–',
              '–',
              '–',
              '–',
              '–',
              '–',
              '–',
              `${cell.status}${cell.reason ? `: ${cell.reason}` : ''}`,
            ],
          ];
        }
        return cell.steps.map((step) => [
          ARCH_LABEL[cell.arch],
          cell.workload,
          String(cell.k),
          `${step.index}${step === chosen ? ' (chosen)' : ''}`,
          fmt(step.offeredRate),
          fmt(step.throughput),
          fmtMs(step.latencyMs.p95),
          String(step.requests.sent),
          String(step.requests.errors),
          String(step.requests.rejections),
          step.withinSlo ? 'held' : 'missed',
          step.status === 'ok' ? 'ok' : `**failed**: ${step.reason ?? ''}`,
        ]);
      }),
    },
    { kind: 'heading', level: 2, text: 'Processes at the chosen step' },
    {
      kind: 'table',
      header: [
        'architecture',
        'workload',
        'k',
        'process',
        'role',
        'CPU-s',
        'cores busy',
        'avg RSS',
        'peak RSS',
      ],
      align: [L, L, R, L, L, R, R, R, R],
      rows: results.cells.flatMap((cell) => {
        const step = chooseStep(cell);
        if (!step) return [];
        return step.processes.map((process) => [
          ARCH_LABEL[cell.arch],
          cell.workload,
          String(cell.k),
          process.name,
          process.role,
          fmt(process.cpuSeconds),
          fmt(process.cpuSeconds / step.durationSeconds),
          fmtBytes(process.avgRssBytes),
          fmtBytes(process.peakRssBytes),
        ]);
      }),
    },
  );

  if (failed.length > 0)
    blocks.push({ kind: 'heading', level: 2, text: 'Failures' }, { kind: 'list', items: failed });
  const notes = [...analysis.notes, ...results.notes];
  if (notes.length > 0)
    blocks.push({ kind: 'heading', level: 2, text: 'Notes' }, { kind: 'list', items: notes });

  blocks.push(...methodBlocks(results, analysis));
  blocks.push(
    { kind: 'heading', level: 2, text: 'Machine, backends and versions' },
    {
      kind: 'table',
      header: ['what', 'value'],
      rows: [
        ['machine', `${results.machine.hostname}: ${results.machine.os}`],
        ['CPU', `${results.machine.cores} × ${results.machine.cpuModel}`],
        ['memory', fmtBytes(results.machine.memoryBytes)],
        ['Node.js', results.machine.node],
        ['clock ticks/s (CLK_TCK)', String(results.machine.clockTicksPerSecond)],
        ...results.backends.map((backend) => [
          backend.role,
          `${backend.name} ${backend.version}${backend.detail ? ` (${backend.detail})` : ''}`,
        ]),
        ...Object.entries(results.tools).map(([name, version]) => [name, version]),
        ['config', results.configFile],
        ['prices', results.pricesFile],
      ],
    },
    { kind: 'paragraph', text: sharedMachineStatement(results) },
  );
  return blocks;
};
