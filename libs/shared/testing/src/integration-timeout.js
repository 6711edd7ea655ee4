/* global jest */
// Jest 30 ignores `testTimeout` inside a project entry, so the integration tier sets its
// generous per-test budget here (real brokers, consumer-group joins, rebalances).
jest.setTimeout(120_000);
