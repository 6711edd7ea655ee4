import { fleetCatalog } from '@qf/local-infra';
import { detectBudgetSupport, type BudgetSupport } from '../budget/cgroup-support';
import type { ExperimentConfig } from '../config/experiment-config.schema';
import { ConfigFileError, displayPath } from '../config/yaml-file';
import { EXPERIMENT_FLEET_ID, EXPERIMENT_PORT_OFFSET } from '../sut/sut-environment';
import { fleetConfigProblems } from './validate-fleet-config';

/** Why an experiment cannot run here as configured: the message says what to change. */
export class ExperimentRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ExperimentRefused';
  }
}

const EXTERNAL_VARS = ['KAFKA_BROKERS', 'MONGO_URL', 'REDIS_URL'] as const;

/**
 * What must hold before anything starts: the config's services exist, the budget can be set
 * (the resources axis means nothing without it), the machine has the cores the largest budget
 * and the load generator need, and no external infrastructure is configured (the experiment
 * runs its own, inside the budget). Returns the budget support, or throws with the reason.
 */
export const preflight = (
  config: ExperimentConfig,
  configFile: string,
  machineCores: number,
  detect: () => BudgetSupport = detectBudgetSupport,
  env: NodeJS.ProcessEnv = process.env,
): BudgetSupport => {
  const shown = displayPath(configFile);
  const problems = fleetConfigProblems(config, fleetCatalog);
  if (problems.length > 0) throw new ConfigFileError(shown, problems);
  // A remote fleet gets its resources from its scale command (replicas with requests = limits).
  if (config.fleet.mode === 'remote')
    return {
      ok: false,
      reason: 'a remote fleet: its CPU per k is set by fleet.scaleCommand, not by a budget here',
    };
  const external = EXTERNAL_VARS.filter((name) => env[name]);
  if (external.length > 0)
    throw new ExperimentRefused(
      `${shown}: ${external.join(', ')} ${external.length === 1 ? 'is' : 'are'} set, but the experiment runs its own Kafka, Mongo-wire server and Redis inside the CPU budget of the system under test (docs/adr/0004-experiment-cpu-budget.md); unset ${external.length === 1 ? 'it' : 'them'} to run it here`,
    );
  const support = detect();
  if (!support.ok && config.axis === 'resources')
    throw new ExperimentRefused(
      `${shown}: the resources axis gives the system under test k × ${config.budget.unitCores} cores as a CPU budget, and no budget can be set here: ${support.reason}. ` +
        'Run it as root on Linux with the cgroup v1 cpu and cpuacct controllers or the cgroup v2 cpu controller mounted read-write, or use axis: load (fixed system, rising rate). It is not run without budgets: k would add processes, not resources.',
    );
  const largest = Math.max(...config.scale.map((point) => point.budgetCores));
  const needed = largest + config.budget.reserveCores;
  if (support.ok && needed > machineCores + 1e-9)
    throw new ExperimentRefused(
      `${shown}: the largest budget (${largest} cores at k = ${config.k[config.k.length - 1]}) plus budget.reserveCores (${config.budget.reserveCores} for the load generator) needs ${needed} cores, and this machine has ${machineCores}; lower k, budget.unitCores or budget.reserveCores`,
    );
  return support;
};

/** The fleet identity of the experiment: its own unless QF_FLEET_ID says otherwise. */
export const fleetIdentityEnv = (env: NodeJS.ProcessEnv = process.env): Record<string, string> =>
  env['QF_FLEET_ID']
    ? {}
    : { QF_FLEET_ID: EXPERIMENT_FLEET_ID, QF_FLEET_PORT_OFFSET: String(EXPERIMENT_PORT_OFFSET) };
