import type { Command } from 'commander';
import { createInfraContext, infraStatus, infraUp } from '@qf/local-infra';

/** `qf start`: what `npm start` runs. Until the experiment lands it brings the infra up. */
export const registerStartCommand = (program: Command): void => {
  program
    .command('start')
    .description('the main job: bring up what is missing, then run the quick experiment')
    .action(async () => {
      const ctx = createInfraContext();
      await infraUp(ctx, { brokers: 1 });
      for (const row of await infraStatus(ctx)) {
        process.stdout.write(`${row.name.padEnd(6)} ${(row.healthy ? 'healthy' : 'DOWN').padEnd(8)} ${row.address}\n`);
      }
    });
};
