import type { Analysis } from '../../analysis/analyze';
import { THESIS_PUBLISHED_PSI, THESIS_SOURCE } from '../../metrics/thesis-published';
import type { ExperimentResults } from '../../results/experiment-results';
import { fmtInterval } from '../format';
import type { Block } from '../report-document';

const L = 'left' as const;
const R = 'right' as const;

/** Which of the thesis's tests each of our scenarios (workload names) stands beside. */
const SCENARIOS: Readonly<Record<string, readonly string[]>> = {
  create: ['L1', 'L2'],
  update: ['L3'],
  read: ['L4', 'L6'],
};

const published = (prefixes: readonly string[]) =>
  THESIS_PUBLISHED_PSI.filter((entry) => prefixes.some((prefix) => entry.test.startsWith(prefix)))
    .map((entry) => `${entry.test} ${entry.k1}→${entry.k2}: CRUD ${entry.crud}, ES ${entry.esCqrs}`)
    .join('; ');

/** Our ψ per scenario next to the thesis's, where the run is comparable (load axis or thesis variant). */
export const thesisBlocks = (results: ExperimentResults, analysis: Analysis): Block[] => {
  if (results.config.axis !== 'load' && analysis.variant !== 'thesis') return [];
  const model = analysis.models[0];
  const fractions = results.config.scale.map((point) => point.loadFraction);
  const ours = results.config.workloads.flatMap((workload) => {
    const psiOf = (arch: 'es' | 'crud') =>
      analysis.psi.find(
        (series) =>
          series.arch === arch && series.workload === workload.name && series.model === model,
      )?.entries[0];
    const es = psiOf('es');
    const crud = psiOf('crud');
    if (!es && !crud) return [];
    const entry = es ?? crud;
    const k = entry
      ? `${entry.k1} → ${entry.k2}${fractions.every((fraction) => fraction !== undefined) ? ` (${fractions.join(' → ')} × λ)` : ''}`
      : '–';
    return [
      [
        workload.name,
        k,
        crud ? fmtInterval(crud.psi) : '–',
        es ? fmtInterval(es.psi) : '–',
        published(SCENARIOS[workload.name] ?? []) || '–',
      ],
    ];
  });
  return [
    { kind: 'heading', level: 3, text: 'Beside the thesis (lukas-karsch/thesis)' },
    {
      kind: 'paragraph',
      text: `The ψ values published with the thesis (load axis, thesis variant; Spring Boot + PostgreSQL, Axon Server for ES), from \`${THESIS_SOURCE.designLog}\` at commit ${THESIS_SOURCE.designLogCommit.slice(0, 10)} of ${THESIS_SOURCE.repository}. Different domain, stack and machine: compare directions, not values. The thesis offered fixed rates; ${fractions.every((fraction) => fraction !== undefined) ? "here k1 and k2 are equal fractions of each architecture's own λ, so neither side is past saturation." : 'this run offered fixed rates too.'}`,
    },
    ...(ours.length > 0
      ? [
          {
            kind: 'table' as const,
            header: [
              'scenario',
              'k1 → k2',
              `ψ CRUD (${model ?? '–'})`,
              `ψ ES (${model ?? '–'})`,
              'the thesis, same kind of test',
            ],
            align: [L, L, R, R, L],
            rows: ours,
          },
        ]
      : []),
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
  ];
};
