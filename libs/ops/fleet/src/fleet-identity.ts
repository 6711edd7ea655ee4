/**
 * Which fleet a command acts on. The default fleet (`qf fleet up`) is unnamed. A named
 * fleet (QF_FLEET_ID) gets its own pm2 namespace, process names and ports shifted by
 * QF_FLEET_PORT_OFFSET, so a test or a second experiment can run beside the default one
 * without touching it.
 */
export interface FleetIdentity {
  readonly id: string;
  readonly namespace: string;
  readonly processPrefix: string;
  readonly portOffset: number;
}

export class FleetIdentityError extends Error {}

export const fleetIdentity = (env: NodeJS.ProcessEnv = process.env): FleetIdentity => {
  const id = (env['QF_FLEET_ID'] ?? '').trim();
  if (id !== '' && !/^[a-z0-9]{1,16}$/.test(id)) {
    throw new FleetIdentityError(
      `QF_FLEET_ID must be 1-16 lowercase letters or digits, got ${JSON.stringify(id)}`,
    );
  }
  const rawOffset = (env['QF_FLEET_PORT_OFFSET'] ?? '0').trim();
  const portOffset = Number(rawOffset);
  if (!Number.isInteger(portOffset) || portOffset < 0 || portOffset > 30_000) {
    throw new FleetIdentityError(
      `QF_FLEET_PORT_OFFSET must be an integer from 0 to 30000, got ${JSON.stringify(rawOffset)}`,
    );
  }
  return id === ''
    ? { id, namespace: 'quest-fleet', processPrefix: 'qf-', portOffset }
    : { id, namespace: `quest-fleet-${id}`, processPrefix: `qf${id}-`, portOffset };
};
