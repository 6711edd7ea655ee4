import { Command, CommanderError } from 'commander';
import { registerBenchTxnCommand } from './bench-txn.command';

const refusal = async (...argv: string[]): Promise<string> => {
  let stderr = '';
  const program = new Command('qf')
    .exitOverride()
    .configureOutput({ writeErr: (text) => (stderr += text), writeOut: () => undefined });
  const bench = program.command('bench').exitOverride();
  registerBenchTxnCommand(bench);
  bench.commands.forEach((command) =>
    command.exitOverride().configureOutput({ writeErr: (text) => (stderr += text) }),
  );
  const error = await program.parseAsync(['node', 'qf', 'bench', 'txn', ...argv]).then(
    () => {
      throw new Error(`expected ${argv.join(' ')} to be refused`);
    },
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(CommanderError);
  return stderr;
};

describe('qf bench txn: bad input is refused before anything starts', () => {
  it.each([['0'], ['1,x'], ['100'], ['']])('--streams %p', async (value) => {
    expect(await refusal('--streams', value)).toMatch(
      /--streams takes a comma-separated list of integers from 1 to 64/,
    );
  });

  it('names --seconds when it is not a whole number in range', async () => {
    expect(await refusal('--seconds', '0')).toMatch(/--seconds/);
  });

  it('names --records when it is not a whole number in range', async () => {
    expect(await refusal('--records', 'many')).toMatch(/--records/);
  });

  it('names --kafkajs when it is neither stock nor patched', async () => {
    expect(await refusal('--kafkajs', 'forked')).toMatch(/--kafkajs takes stock or patched/);
  });
});
