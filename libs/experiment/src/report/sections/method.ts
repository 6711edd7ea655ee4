import type { Analysis } from '../../analysis/analyze';
import { COST_MODEL_TEXT } from '../../metrics/cost-models';
import { THESIS_SOURCE } from '../../metrics/thesis-published';
import type { ExperimentResults } from '../../results/experiment-results';
import { MODEL_LABEL } from '../charts';
import { fmt, fmtBytes, fmtPercent } from '../format';
import type { Block } from '../report-document';
import { sharedMachineStatement } from './header';

const R = 'right' as const;
const L = 'left' as const;

const sourceFor = (results: ExperimentResults, item: string): string => {
  const sources = results.prices.sources.filter(
    (source) => source.item === item || source.item === 'all',
  );
  return sources.length > 0
    ? sources.map((source) => `${source.note} (${source.source})`).join('; ')
    : 'no source given';
};

const axisText = (results: ExperimentResults): string => {
  const { config } = results;
  const search = config.search;
  if (config.axis === 'load')
    return `Scale axis **load**: k scales the offered arrival rate (${config.scale.map((point) => `k=${point.k}: ${fmt(point.offeredRate)} req/s`).join(', ')}) at a fixed system (one replica of each service${results.budget?.applied ? `, ${config.budget.unitCores} cores` : ''}), the axis used by lukas-karsch/thesis.`;
  return (
    `Scale axis **resources**: at k the system under test gets k × ${config.budget.unitCores} cores (its JVMs are told the budget rounded up as their processor count) and k replicas of each scalable service (${Object.entries(
      config.services,
    )
      .map(([arch, services]) => `${arch}: ${services.join(', ')}`)
      .join('; ')}), ${config.partitions} partitions at every k. ` +
    `λ(k) is the highest offered rate whose p${config.slo.percentile} stays within T^ = ${config.slo.latencyMs} ms with at most ${fmtPercent(config.slo.maxErrorRatio)} errors, found by bisection until the bracket is within ${fmtPercent(search.resolution)} of its lower end or ${search.resolutionRate} req/s. ` +
    `A search starts from the λ of an earlier repetition of the same cell (else from the λ at another k scaled by the budget ratio, else from ${typeof search.startRate === 'number' ? `${search.startRate}` : `${search.startRate.es} (ES) / ${search.startRate.crud} (CRUD)`} req/s per ${config.budget.unitCores} cores) and moves by ${fmtPercent(search.seedSpread)}, doubling the move while the outcome repeats.`
  );
};

/** How the figures were taken: load, budget, search, metric, cost models, statistics, prices, machine. */
export const methodBlocks = (results: ExperimentResults, analysis: Analysis): Block[] => {
  const { config, prices } = results;
  const level = `${Math.round(analysis.level * 100)} %`;
  const blocks: Block[] = [
    { kind: 'heading', level: 2, text: 'Method' },
    {
      kind: 'list',
      items: [
        `Load: open loop at a constant arrival rate (requests are sent on schedule whether or not earlier ones answered, so slow answers cannot hide the requests that should have been sent meanwhile); latencies from the intended send time in HdrHistogram. Warm-up ${config.durations.warmupSeconds} s, measured step ${config.durations.stepSeconds} s; after each step a cool-down of at least ${config.durations.cooldownSeconds} s until every consumer group is at lag 0 and the system is back to its idle CPU (at most ${config.durations.maxCooldownSeconds} s).`,
        axisText(results),
        ...(config.pilot
          ? [
              'Pilot: before the first measured cell, each architecture ran unmeasured at its largest budget with load ramped by ×1.5 every 4 s until p95 broke the SLO; it warms the JVMs on the real request mix and seeds the first searches (their seed is named "the pilot" in the budget table).',
            ]
          : []),
        `Repetitions: each (architecture, k, workload) ${config.repetitions} time(s), each on a fresh fleet, in rounds (every cell once before any twice), each round in ${config.order} order; ${config.order === 'randomized' ? 'cells are grouped by JVM processor count so the infrastructure restarts at most once or twice a round.' : ''}`,
        `Pollution: a step during which processes outside the system under test and the load generator used more than ${config.pollution.maxForeignCores} cores is measured again, at most ${config.pollution.maxReruns} time(s), when it missed the SLO${config.pollution.rerunPassing ? ' or held it' : ' (a polluted pass stands: other work can only have slowed it)'}; the budget group and the experiment process get ${10}× the default CPU weight, so the budget is a guarantee as well as a cap.`,
        `Value of a response: ${analysis.variant === 'thesis' ? 'f = 1/T (thesis variant)' : 'f = 1/(1 + T/T^)'} with T the p${config.slo.percentile} latency and T^ = ${config.slo.latencyMs} ms. Productivity F(k) = λ(k)·f(k)/C(k); scalability ψ(k1,k2) = F(k2)/F(k1).`,
        `Cost models (the first decides the verdict): ${analysis.models.map((model) => (model === 'thesis' ? 'thesis: C = w1·CPU + w2·S + w3·(T/200)² + w4·(D/10)² + w5·(1−R)⁴, dimensionless' : COST_MODEL_TEXT[model])).join('; ')}. Storage growth is amortised over ${config.costs.storageAmortisationMonths} month(s). Only components the architecture uses are costed (CRUD does not use Redis); the load generator is the client and is never costed.`,
        `Statistics: every interval is a ${level} percentile bootstrap (${config.statistics.resamples} resamples, seeded) over the repetitions; ψ resamples the repetitions at each k independently. ES against CRUD: an exact two-sided permutation test of the difference in F (Monte Carlo beyond 20,000 relabellings), significant at p < ${config.statistics.alpha}. With n repetitions a side the smallest attainable p is 2 / C(2n, n): 0.33 for n = 2, 0.1 for n = 3, 0.008 for n = 5.`,
        'Universal Scalability Law: X(k) = λ1·k / (1 + σ(k−1) + κ·k(k−1)), σ, κ ≥ 0, least squares on mean λ(k); with two k values κ is fixed at 0. Values beyond the largest measured k are projections.',
        "Resources: the budget group's CPU usage and throttling from the kernel (cpuacct / cpu.stat); CPU-seconds and resident memory of every process tree from /proc once a second; bytes on disk (du-like) of the cell's Kafka topics and database before and after each step.",
      ],
    },
    {
      kind: 'paragraph',
      text: `Metric variant: **${analysis.variantLabel}**. Models shown: ${analysis.models.map((model) => MODEL_LABEL[model]).join(', ')}.`,
    },
  ];
  if (analysis.variant === 'thesis')
    blocks.push({
      kind: 'paragraph',
      text: `The thesis variant follows ${THESIS_SOURCE.repository}: \`${THESIS_SOURCE.script}\` (commit ${THESIS_SOURCE.scriptCommit.slice(0, 10)}); weights used here: ${Object.entries(
        config.metric.thesis.weights,
      )
        .map(([name, weight]) => `${name} ${weight}`)
        .join(
          ', ',
        )}. The mapping onto this Node fleet is ours: CPU = the services' CPU-seconds (the application, not the database or the broker) / (window × the budget's cores); threads = requests in flight at the load generator, capped at the ${config.metric.thesis.threadLimit} of the thesis's Tomcat pool; DB connections are not measured here (the Mongo-wire server reports none), so that term is 0.`,
    });
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
        [
          'CPU budget',
          results.budget
            ? results.budget.applied
              ? `${results.budget.mechanism}; unit ${results.budget.unitCores} cores, period ${fmt(results.budget.periodUs / 1000)} ms`
              : `none: ${results.budget.reason}`
            : 'none (version-1 run)',
        ],
        ...(results.sut
          ? [
              [
                'own infrastructure ports',
                Object.entries(results.sut.ports)
                  .map(([name, port]) => `${name} ${port}`)
                  .join(', '),
              ],
              [
                'infrastructure starts',
                results.sut.starts
                  .map(
                    (start) =>
                      `${fmt(start.seconds)} s (JVMs told ${start.processors} processor(s), then ${start.warmupSeconds} s warm-up)`,
                  )
                  .join('; '),
              ],
            ]
          : []),
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
