import { metricsRegistry } from '@qf/shared-observability';
import { PartitionRetries } from './partition-retries';

const metric = async (name: string, group: string) =>
  (await metricsRegistry.getSingleMetric(name)?.get())?.values.find(
    (value) => value.labels['group'] === group,
  )?.value;

describe('PartitionRetries', () => {
  let clock = 0;
  const tracker = new PartitionRetries('g-unit', 15_000, () => clock);
  afterAll(() => tracker.dispose());

  it('reports a partition stuck only once it has failed past the threshold, with the reason', async () => {
    tracker.failed('player.events', 3, new Error('connection refused'));
    clock += 10_000;
    tracker.failed('player.events', 3, new Error('connection refused again'));
    expect(tracker.stuck()).toEqual([]);
    clock += 6000;
    expect(tracker.stuck()).toEqual([
      'player.events[3] failing for 16 s (2 attempts): connection refused again',
    ]);
    expect(await metric('qf_consumer_stuck_partitions', 'g-unit')).toBe(1);
    expect(await metric('qf_consumer_stuck_partitions_total', 'g-unit')).toBe(1);
  });

  it('clears a partition whose batch went through, and counts a new episode again', async () => {
    tracker.cleared('player.events', 3);
    expect(tracker.stuck()).toEqual([]);
    expect(await metric('qf_consumer_stuck_partitions', 'g-unit')).toBe(0);
    tracker.failed('player.events', 3, 'still down');
    clock += 20_000;
    expect(tracker.stuckCount()).toBe(1);
    expect(await metric('qf_consumer_stuck_partitions_total', 'g-unit')).toBe(2);
    tracker.clear();
    expect(tracker.stuckCount()).toBe(0);
  });
});
