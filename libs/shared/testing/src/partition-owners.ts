import { eventually } from './eventually';

/** A running service whose `/health` answers with the partitions its consumer owns. */
export interface ConsumingService {
  readonly name: string;
  readonly baseUrl: string;
}

const ownedPartitions = async (service: ConsumingService): Promise<number> => {
  const answer = (await (await fetch(`${service.baseUrl}/health`)).json()) as {
    details?: { partitions?: Record<string, number[]> };
  };
  return Object.values(answer.details?.partitions ?? {}).flat().length;
};

/**
 * Waits until every service owns at least one partition: a test about several members of a
 * group (a take-over, a rolling upgrade) means nothing while one member still waits to join.
 */
export const untilEachOwnsPartitions = (
  services: readonly ConsumingService[],
  timeoutMs = 60_000,
): Promise<void> =>
  eventually(
    async () => {
      for (const service of services)
        // The name in the value, so a failure says which member owns nothing.
        expect({ service: service.name, owns: (await ownedPartitions(service)) > 0 }).toEqual({
          service: service.name,
          owns: true,
        });
    },
    { timeoutMs, intervalMs: 500 },
  );
