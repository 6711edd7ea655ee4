/* eslint-disable @typescript-eslint/no-require-imports -- reads package manifests */
import { KAFKAJS_VERSION } from './index';

// The patches in this folder replace or wrap kafkajs internals (src/cluster, src/broker,
// src/protocol/recordBatch/record/v0): they are only known to be right for one version.
describe('kafkajs pin', () => {
  it('the installed kafkajs is the version the patches were written for', () => {
    expect((require('kafkajs/package.json') as { version: string }).version).toBe(KAFKAJS_VERSION);
  });

  it('package.json declares exactly that version (no range that could move it)', () => {
    const manifest = require('../../../../../package.json') as {
      dependencies: Record<string, string>;
    };
    expect(manifest.dependencies['kafkajs']).toBe(KAFKAJS_VERSION);
  });
});
