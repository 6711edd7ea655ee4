import { Command, CommanderError } from 'commander';
import { registerBenchReplayCommand } from './bench-replay.command';
import { registerReplayCommand } from './replay.command';

/** Parses argv with the replay commands registered; bad input must fail in commander, before any connection. */
const parse = async (...argv: string[]): Promise<{ error: CommanderError; stderr: string }> => {
  let stderr = '';
  const program = new Command('qf')
    .exitOverride()
    .configureOutput({ writeErr: (text) => (stderr += text), writeOut: () => undefined });
  registerReplayCommand(program);
  const bench = program.command('bench');
  registerBenchReplayCommand(bench);
  program.commands.forEach((command) =>
    command.exitOverride().configureOutput({ writeErr: (text) => (stderr += text) }),
  );
  bench.commands.forEach((command) =>
    command.exitOverride().configureOutput({ writeErr: (text) => (stderr += text) }),
  );
  const error = await program.parseAsync(['node', 'qf', ...argv]).then(
    () => {
      throw new Error(`expected ${argv.join(' ')} to be refused`);
    },
    (caught: unknown) => caught as CommanderError,
  );
  expect(error).toBeInstanceOf(CommanderError);
  return { error, stderr };
};

describe('qf replay: bad input is refused by commander, naming what is wrong', () => {
  it('an unknown view names the argument and the allowed values', async () => {
    const { stderr } = await parse('replay', 'players');
    expect(stderr).toContain("command-argument value 'players' is invalid for argument 'view'");
    expect(stderr).toContain(
      'allowed: player_details, room_occupancy, leaderboard, player_events, all, audit_log',
    );
  });

  it('nonsense flag values and unknown flags name the flag', async () => {
    expect((await parse('replay', 'all', '--projectors', 'lots')).stderr).toContain(
      '--projectors takes a whole number from 1 to 16, got "lots"',
    );
    expect((await parse('replay', 'all', '--grace', '-1')).stderr).toContain('--grace');
    expect((await parse('replay', 'all', '--max-lag', '1.5')).stderr).toContain(
      '--max-lag takes a whole number',
    );
    expect((await parse('replay', 'all', '--frobnicate')).stderr).toContain(
      "unknown option '--frobnicate'",
    );
  });

  it('--in-place cannot be combined with --keep-old or --abandon', async () => {
    expect((await parse('replay', 'all', '--in-place', '--keep-old')).stderr).toContain(
      "option '--in-place' cannot be used with option '--keep-old'",
    );
    expect((await parse('replay', 'all', '--abandon', '--in-place')).stderr).toContain(
      'cannot be used with',
    );
  });

  it('a missing view is a missing argument', async () => {
    expect((await parse('replay')).stderr).toContain("missing required argument 'view'");
  });
});

describe('qf bench replay: bad input names the flag', () => {
  it('--projectors takes a comma-separated list of replica counts', async () => {
    expect((await parse('bench', 'replay', '--projectors', '1,x,4')).stderr).toContain(
      '--projectors takes replica counts from 1 to 16 separated by commas',
    );
    expect((await parse('bench', 'replay', '--projectors', '0')).stderr).toContain(
      '--projectors takes replica counts',
    );
  });

  it('--view takes an ES view or all, not audit_log', async () => {
    expect((await parse('bench', 'replay', '--view', 'audit_log')).stderr).toContain(
      '--view takes player_details, room_occupancy, leaderboard, player_events, all, got "audit_log"',
    );
  });

  it('--events has a floor', async () => {
    expect((await parse('bench', 'replay', '--events', '10')).stderr).toContain(
      '--events takes a whole number from 1000',
    );
  });
});
