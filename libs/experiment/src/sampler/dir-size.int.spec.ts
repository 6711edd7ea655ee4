import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { dirSize, isTopicPartitionDir, kafkaTopicSize } from './dir-size';

describe('dirSize', () => {
  let root: string;
  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'qf-du-'));
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  it('sums allocated blocks recursively, like du, and apparent sizes apart', async () => {
    fs.mkdirSync(path.join(root, 'a/b'), { recursive: true });
    fs.writeFileSync(path.join(root, 'a/one'), Buffer.alloc(10_000, 1));
    fs.writeFileSync(path.join(root, 'a/b/two'), Buffer.alloc(5_000, 1));
    fs.linkSync(path.join(root, 'a/one'), path.join(root, 'a/one-again'));
    fs.symlinkSync(path.join(root, 'a/one'), path.join(root, 'link'));
    const size = await dirSize(root);
    expect(size.files).toBe(2);
    expect(size.apparentBytes).toBe(15_000);
    // st_blocks x 512 of every inode once: at least the data, rounded up to blocks.
    const blocks = [root, 'a', 'a/b', 'a/one', 'a/b/two', 'link'].map(
      (file) => fs.lstatSync(path.resolve(root, file)).blocks * 512,
    );
    expect(size.bytes).toBe(blocks.reduce((sum, value) => sum + value, 0));
    expect(size.bytes).toBeGreaterThanOrEqual(15_000);
  });

  it('is 0 for a missing directory', async () => {
    expect(await dirSize(path.join(root, 'nope'))).toEqual({
      bytes: 0,
      apparentBytes: 0,
      files: 0,
    });
  });

  it('sizes the partition directories of chosen Kafka topics', async () => {
    for (const dir of [
      'player.events-0',
      'player.events-1',
      'player.events-dlq-0',
      'player.snapshots-0',
    ]) {
      fs.mkdirSync(path.join(root, dir));
      fs.writeFileSync(path.join(root, dir, '00000000000000000000.log'), Buffer.alloc(1000, 1));
    }
    expect(isTopicPartitionDir('player.events-12', 'player.events')).toBe(true);
    expect(isTopicPartitionDir('player.events-dlq-0', 'player.events')).toBe(false);
    expect((await kafkaTopicSize(root, ['player.events'])).apparentBytes).toBe(2000);
    expect((await kafkaTopicSize(root, ['player.events', 'player.snapshots'])).files).toBe(3);
  });
});
