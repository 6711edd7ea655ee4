/** The pid a health answer names (services say which process answered), if any. */
export const answeringPid = (body: unknown): number | undefined => {
  const pid = (body as { details?: { process?: { pid?: unknown } } } | undefined)?.details?.process
    ?.pid;
  return typeof pid === 'number' ? pid : undefined;
};

/**
 * Whether a health answer came from another process than the replica pm2 runs (pid known):
 * another fleet's replica or a leftover holding the port, while this replica could not bind.
 */
export const answeredByAnother = (body: unknown, pid: number): number | undefined => {
  const answering = answeringPid(body);
  return pid > 0 && answering !== undefined && answering !== pid ? answering : undefined;
};
