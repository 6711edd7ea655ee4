import { randomUUID } from 'node:crypto';
import type { OpenApiContract } from './openapi-contract';

/**
 * Provokes every documented answer of the command routes it can on a live service: the
 * decided, async, malformed, too large, wrong media type, unknown player, invariant and
 * reused-key answers, through each command route. Returns a registered, living player.
 */
export const exerciseCommands = async (
  api: OpenApiContract,
): Promise<{ playerId: string; room: string }> => {
  const room = `room-${randomUUID().slice(0, 8)}`;
  const registered = await api.call('POST', '/players', {
    body: { name: 'Contract', startRoom: room },
  });
  const playerId = registered.body.playerId as string;
  await api.call('POST', '/players', {
    body: { name: 'Later', startRoom: room },
    headers: { prefer: 'respond-async' },
  });
  await api.call('POST', '/players', { body: { name: 'NoRoom' } });
  await api.call('POST', '/players', { rawBody: '{"name": ' });
  await api.call('POST', '/players', { body: { name: 'x'.repeat(40_000), startRoom: room } });
  await api.call('POST', '/players', {
    rawBody: 'name=x',
    headers: { 'content-type': 'text/plain' },
  });
  await api.call('POST', `/players/${playerId}/move`, { body: { toRoom: `${room}-b` } });
  await api.call('POST', `/players/${playerId}/move`, { body: { toRoom: room } });
  await api.call('POST', `/players/${randomUUID()}/move`, { body: { toRoom: room } });
  await api.call('POST', `/players/${playerId}/pick-up`, { body: { itemId: 'item.key', qty: 2 } });
  await api.call('POST', `/players/${playerId}/drop`, { body: { itemId: 'item.key', qty: 1 } });
  await api.call('POST', `/players/${playerId}/gain-experience`, { body: { amount: 150 } });
  await api.call('POST', `/players/${playerId}/heal`, { body: { amount: 5 } });
  const key = randomUUID();
  await api.call('POST', `/players/${playerId}/take-damage`, {
    body: { amount: 1 },
    headers: { 'idempotency-key': key },
  });
  await api.call('POST', `/players/${playerId}/take-damage`, {
    body: { amount: 2 },
    headers: { 'idempotency-key': key },
  });
  const doomed = (await api.call('POST', '/players', { body: { name: 'Doomed', startRoom: room } }))
    .body.playerId as string;
  await api.call('POST', `/players/${doomed}/take-damage`, { body: { amount: 100_000 } });
  await api.call('POST', `/players/${doomed}/heal`, { body: { amount: 5 } });
  await exerciseOperations(api);
  return { playerId, room };
};

/** Every query route, with good and bad input, for a player that exists. */
export const exerciseQueries = async (
  api: OpenApiContract,
  playerId: string,
  room: string,
): Promise<void> => {
  await api.call('GET', `/players/${playerId}`);
  await api.call('GET', `/players/${randomUUID()}`);
  await api.call('GET', '/players/not-a-uuid');
  await api.call('GET', `/rooms/${room}/players`);
  await api.call('GET', '/rooms/bad%20room/players');
  await api.call('GET', '/leaderboard?limit=5');
  await api.call('GET', '/leaderboard?limit=0');
  await api.call('GET', `/players/${playerId}/history`);
  await api.call('GET', `/players/${randomUUID()}/history`);
  await api.call('GET', `/players/${playerId}/history?limit=abc`);
  await api.call('GET', `/players/${playerId}/state?version=1`);
  await api.call(
    'GET',
    `/players/${playerId}/state?at=${encodeURIComponent(new Date().toISOString())}`,
  );
  await api.call('GET', `/players/${playerId}/state`);
  await api.call('GET', `/players/${randomUUID()}/state?version=1`);
  await exerciseOperations(api);
};

/** /health, /health/live, /health/ready, /metrics, /openapi.json, /docs. */
export const exerciseOperations = async (api: OpenApiContract): Promise<void> => {
  for (const path of [
    '/health',
    '/health/live',
    '/health/ready',
    '/metrics',
    '/openapi.json',
    '/docs',
  ])
    await api.call('GET', path);
};

/** GET /commands/{commandId} (the gateway's): decided, ambiguous, unknown and malformed questions. */
export const exerciseCommandStatus = async (api: OpenApiContract): Promise<void> => {
  const key = `status-${randomUUID()}`;
  const players = [randomUUID(), randomUUID()];
  for (const playerId of players)
    await api.call('POST', '/players', {
      body: { playerId, name: 'Status', startRoom: 'hall' },
      headers: { 'idempotency-key': key },
    });
  await api.call('GET', `/commands/${key}?playerId=${players[0]}`);
  await api.call('GET', `/commands/${key}`);
  await api.call('GET', `/commands/${randomUUID()}`);
  await api.call('GET', `/commands/${key}?playerId=not-a-uuid`);
};
