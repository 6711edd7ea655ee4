import type { Command } from 'commander';
import { QUICK_EXPERIMENT, runExperimentCommand } from './experiment.command';

/** `qf start` (what `npm start` runs): `qf experiment --config experiments/quick.yaml`. */
export const registerStartCommand = (program: Command): void => {
  program
    .command('start')
    .description(
      `the main job: bring up what is missing, then run the quick experiment (${QUICK_EXPERIMENT}: both architectures, k = 1 and 2, about 13 minutes)`,
    )
    .action(() => runExperimentCommand({ config: QUICK_EXPERIMENT }));
};
