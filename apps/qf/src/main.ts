import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { registerBenchCommands } from './commands/bench.command';
import { registerDeployCommands } from './commands/deploy.command';
import { registerDrillCommand } from './commands/drill.command';
import { registerExperimentCommand } from './commands/experiment.command';
import { registerFleetCommands } from './commands/fleet.command';
import { registerInfraCommands } from './commands/infra.command';
import { registerArchiveCommand } from './commands/archive.command';
import { registerDlqCommands } from './commands/dlq.command';
import { registerProjectionsCommands } from './commands/projections.command';
import { registerLagCommand } from './commands/lag.command';
import { registerReplayCommand } from './commands/replay.command';
import { registerCompareCommand, registerReportCommand } from './commands/report.command';
import { registerStartCommand } from './commands/start.command';
import { registerTestCommand } from './commands/test.command';
import { registerTopicsCommands } from './commands/topics.command';

const program = new Command('qf')
  .description('Quest Fleet: Event Sourcing + CQRS vs CRUD + audit log, measured side by side')
  .showHelpAfterError('(run with --help for usage)')
  .exitOverride();

registerInfraCommands(program);
registerBenchCommands(program);
registerFleetCommands(program);
registerLagCommand(program);
registerDlqCommands(program);
registerArchiveCommand(program);
registerProjectionsCommands(program);
registerReplayCommand(program);
registerDrillCommand(program);
registerTestCommand(program);
registerTopicsCommands(program);
registerStartCommand(program);
registerExperimentCommand(program);
registerReportCommand(program);
registerCompareCommand(program);
registerDeployCommands(program);

program.parseAsync(process.argv).catch((error: unknown) => {
  // Commander prints the errors of its own parsing; a flag an action refuses
  // (InvalidArgumentError, e.g. `--target mongo`) reaches here unprinted.
  if (error instanceof CommanderError && !(error instanceof InvalidArgumentError)) {
    process.exit(error.exitCode);
  }
  process.stderr.write(`qf: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
