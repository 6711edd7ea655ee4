import { Command, CommanderError } from 'commander';
import { registerInfraCommands } from './commands/infra.command';
import { registerStartCommand } from './commands/start.command';
import { registerTestCommand } from './commands/test.command';

const program = new Command('qf')
  .description('Quest Fleet: Event Sourcing + CQRS vs CRUD + audit log, measured side by side')
  .showHelpAfterError('(run with --help for usage)')
  .exitOverride();

registerInfraCommands(program);
registerTestCommand(program);
registerStartCommand(program);

program.parseAsync(process.argv).catch((error: unknown) => {
  if (error instanceof CommanderError) {
    process.exit(error.exitCode);
  }
  process.stderr.write(`qf: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
