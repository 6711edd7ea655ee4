/** The run was stopped (Ctrl-C, an abort signal) before it finished; a rerun resumes it. */
export class ReplayInterruptedError extends Error {
  readonly code = 'REPLAY.INTERRUPTED';
  readonly retriable = true;
  constructor(
    readonly replayId: string,
    readonly done: number,
    readonly total: number,
  ) {
    super(
      `replay ${replayId} interrupted at ${done}/${total} events; run the same command again to resume it`,
    );
  }
}

/** Another unfinished replay covers some of the same views. */
export class ReplayConflictError extends Error {
  readonly code = 'REPLAY.CONFLICT';
  readonly retriable = false;
}

/** --in-place needs the live consumer group to be idle: it resets that group's offsets. */
export class LiveGroupActiveError extends Error {
  readonly code = 'REPLAY.LIVE_GROUP_ACTIVE';
  readonly retriable = false;
  constructor(
    readonly groupId: string,
    readonly members: number,
  ) {
    super(
      `--in-place resets the offsets of the live group ${groupId}, which has ${members} running member(s): stop them first ` +
        `(e.g. \`qf fleet scale projector=0\` / \`audit=0\`; a killed run's member stays until its session times out, 30 s), ` +
        `or rebuild without --in-place (no downtime)`,
    );
  }
}

/** Nothing to abandon, or a replay that may not be abandoned any more. */
export class ReplayAbandonError extends Error {
  readonly code = 'REPLAY.CANNOT_ABANDON';
  readonly retriable = false;
}
