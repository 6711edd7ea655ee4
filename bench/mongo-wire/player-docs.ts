import type { Collection } from 'mongodb';

/** A document with a string _id and anything else. */
export type AnyDoc = { _id: string } & Record<string, unknown>;

/** A player document as the CRUD service and the projections keep one. */
export interface PlayerDoc {
  _id: string;
  name: string;
  roomId: string;
  level: number;
  xp: number;
  health: number;
  version: number;
  inventory?: Record<string, number>;
  tags?: string[];
  outbox?: Array<{ id: string; type: string }>;
}

/** Seeded players are spread over this many rooms. */
export const ROOMS = 50;
export const playerId = (i: number) => `p-${i.toString().padStart(7, '0')}`;
/** The i-th seeded player: fields derived from i, so every run seeds the same documents. */
export const seedDoc = (i: number): PlayerDoc => ({
  _id: playerId(i),
  name: `player-${i}`,
  roomId: `room-${i % ROOMS}`,
  level: (i * 7919) % 100,
  xp: (i * 104729) % 10_000,
  health: 100,
  version: 1,
  inventory: { potion: i % 5 },
  tags: ['seed'],
});

/** The projector's write: applies only when the stored version is older (else E11000 on upsert). */
export const guardedUpsert = (
  col: Collection<PlayerDoc>,
  id: string,
  version: number,
  set: Partial<PlayerDoc> = {},
) =>
  col.updateOne(
    { _id: id, version: { $lt: version } },
    { $set: { ...set, version } },
    { upsert: true },
  );
