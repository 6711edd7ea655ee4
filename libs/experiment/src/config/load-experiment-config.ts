import path from 'node:path';
import { budgetCores, jvmProcessors } from '../budget/budget-arithmetic';
import {
  DEFAULT_SCALABLE_SERVICES,
  experimentConfigSchema,
  type Architecture,
  type ExperimentConfig,
  type ScalePoint,
} from './experiment-config.schema';
import { loadYamlFile, parseYamlText } from './yaml-file';

type Parsed = ReturnType<typeof experimentConfigSchema.parse>;

/** Fills in what derives from other fields: services, replicas per k, rates per k, the price path. */
export const resolveExperimentConfig = (parsed: Parsed, configFile: string): ExperimentConfig => {
  const services: Record<Architecture, readonly string[]> = {
    es: parsed.services.es ?? DEFAULT_SCALABLE_SERVICES.es,
    crud: parsed.services.crud ?? DEFAULT_SCALABLE_SERVICES.crud,
  };
  const scale: ScalePoint[] = parsed.k.map((k) => {
    // Resources axis: k replicas of each scalable service; load axis: one of each.
    const base = parsed.axis === 'resources' ? k : 1;
    const overrides = parsed.replicas[String(k)] ?? {};
    const replicasOf = (arch: Architecture) =>
      Object.fromEntries(services[arch].map((service) => [service, overrides[service] ?? base]));
    const loadFraction = parsed.axis === 'load' ? parsed.loadFractions?.[String(k)] : undefined;
    const offeredRate =
      parsed.axis === 'load' && loadFraction === undefined
        ? (parsed.offeredRates?.[String(k)] ?? (parsed.baseRate ?? 0) * k)
        : undefined;
    // The load axis keeps the system fixed: one unit of budget at every k.
    const cores = budgetCores(parsed.axis === 'resources' ? k : 1, parsed.budget.unitCores);
    return {
      k,
      budgetCores: cores,
      jvmProcessors: jvmProcessors(cores),
      replicas: { es: replicasOf('es'), crud: replicasOf('crud') },
      ...(offeredRate === undefined ? {} : { offeredRate }),
      ...(loadFraction === undefined ? {} : { loadFraction }),
    };
  });
  const largestK = parsed.k[parsed.k.length - 1] ?? 1;
  return {
    ...parsed,
    services,
    scale,
    pricesPath: path.resolve(path.dirname(path.resolve(configFile)), parsed.prices),
    projectToK: parsed.projectToK ?? Math.max(8, largestK * 2),
  };
};

/**
 * Reads and validates an experiment config (YAML). Throws a ConfigFileError naming the file, the
 * field and what is allowed, e.g. `experiments/quick.yaml: k[1]: expected a whole number >= 1, got "two"`.
 */
export const loadExperimentConfig = (configFile: string): ExperimentConfig =>
  resolveExperimentConfig(loadYamlFile(configFile, experimentConfigSchema), configFile);

/** The same from YAML text; `file` names it in errors and anchors the relative price path. */
export const parseExperimentConfig = (source: string, file: string): ExperimentConfig =>
  resolveExperimentConfig(parseYamlText(source, file, experimentConfigSchema), file);
