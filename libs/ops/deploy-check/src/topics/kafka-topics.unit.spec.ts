import { readFileSync } from 'node:fs';
import path from 'node:path';
import { findRepoRoot } from '@qf/shared-config';
import { topicNames } from '@qf/contracts';
import { fleetKafkaTopics, renderTopicsManifest, TOPICS_MANIFEST } from './kafka-topics';
import { topicProblems } from '../policy/topic-policy';
import { parseObjects } from '../build/kustomize-build';

describe('the KafkaTopics manifest', () => {
  it('is the topic specification as written by `qf deploy topics` (regenerate it when the spec changes)', () => {
    const file = path.join(findRepoRoot(__dirname), TOPICS_MANIFEST);
    expect(readFileSync(file, 'utf8')).toBe(renderTopicsManifest(fleetKafkaTopics()));
  });

  it('has one KafkaTopic per fleet topic, the processor ledger included, and passes the topic policy', () => {
    const objects = fleetKafkaTopics();
    expect(objects.map((object) => object.metadata.name).sort()).toEqual(
      Object.values(topicNames('')).sort(),
    );
    expect(topicProblems(objects, 12)).toEqual([]);
    const ledger = objects.find((object) => object.metadata.name === 'player.ledger');
    expect(ledger?.['spec']).toMatchObject({
      partitions: 12,
      replicas: 3,
      config: { 'cleanup.policy': 'compact', 'min.insync.replicas': '2' },
    });
  });

  it('round-trips through the YAML kubectl reads', () => {
    const parsed = parseObjects(renderTopicsManifest(fleetKafkaTopics()), TOPICS_MANIFEST);
    expect(parsed).toEqual(fleetKafkaTopics());
  });
});
