import { VIEW_NAMES, type ViewName } from '@qf/player-read-model';

/** A view a replay can rebuild: the ES read models, or the CRUD side's audit log. */
export type ReplayView = ViewName | 'audit_log';

/** Which side of the fleet a replay rebuilds: ES read models from player.events, or audit_log from crud.audit. */
export type ReplayKind = 'es' | 'crud';

/** What `qf replay <view>` was asked to rebuild. */
export interface ReplayTarget {
  /** As typed: a view name, `all` (the four ES read models) or `audit_log`. */
  readonly name: string;
  readonly kind: ReplayKind;
  /** The views rebuilt and switched, in a stable order. */
  readonly views: readonly ReplayView[];
}

export const AUDIT_LOG_VIEW = 'audit_log';

/** Every value `qf replay` accepts, in the order the help lists them. */
export const REPLAY_TARGET_NAMES: readonly string[] = [...VIEW_NAMES, 'all', AUDIT_LOG_VIEW];

/** An argument that names no replayable view; the message names the argument and the allowed values. */
export class UnknownReplayTargetError extends Error {
  readonly code = 'REPLAY.UNKNOWN_VIEW';
  constructor(readonly input: string) {
    super(
      `unknown view "${input}" for argument <view>; allowed: ${REPLAY_TARGET_NAMES.join(', ')}`,
    );
  }
}

/** Parses the `<view>` argument of `qf replay`. */
export const parseReplayTarget = (input: string): ReplayTarget => {
  const name = input.trim();
  if (name === 'all') return { name, kind: 'es', views: [...VIEW_NAMES] };
  if (name === AUDIT_LOG_VIEW) return { name, kind: 'crud', views: [AUDIT_LOG_VIEW] };
  if ((VIEW_NAMES as readonly string[]).includes(name))
    return { name, kind: 'es', views: [name as ViewName] };
  throw new UnknownReplayTargetError(input);
};
