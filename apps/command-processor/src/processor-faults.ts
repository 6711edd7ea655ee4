import type { ProcessorOptions } from '@qf/player-es-write';

/**
 * Fault injection for crash tests, off unless QF_PROCESSOR_FAULT is set:
 * `sigkill-after-commit:<commandId>` kills the process with SIGKILL right after the
 * transaction deciding that command committed and before its reply is sent, the one
 * moment a client can be left without the answer to a decided command.
 */
export const processorFaults = (env: NodeJS.ProcessEnv = process.env): ProcessorOptions => {
  const fault = env['QF_PROCESSOR_FAULT'];
  if (!fault) return {};
  const [kind, commandId] = fault.split(':', 2);
  if (kind !== 'sigkill-after-commit' || !commandId)
    throw new Error(
      `QF_PROCESSOR_FAULT: expected sigkill-after-commit:<commandId>, got ${JSON.stringify(fault)}`,
    );
  return {
    afterCommit: (replies) => {
      if (replies.some(({ reply }) => reply.commandId === commandId))
        process.kill(process.pid, 'SIGKILL');
    },
  };
};
