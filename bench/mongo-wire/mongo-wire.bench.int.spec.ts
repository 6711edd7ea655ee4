import { MongoClient } from 'mongodb';
import { COMPATIBILITY_CHECK_IDS, runMongoWireBench } from './mongo-wire.bench';

const url = process.env['MONGO_URL'] ?? 'mongodb://127.0.0.1:27017';
const quiet = () => undefined;

const databaseNames = async (): Promise<string[]> => {
  const client = await new MongoClient(url).connect();
  try {
    const { databases } = await client.db('admin').admin().listDatabases({ nameOnly: true });
    return databases.map((database) => database.name);
  } finally {
    await client.close();
  }
};

describe("mongo-wire bench on the project's Mongo-wire server", () => {
  it('runs every check in order, the required ones pass, and its database is dropped', async () => {
    const result = await runMongoWireBench(
      { url, label: `int-${Date.now().toString(36)}`, compatibilityOnly: true },
      quiet,
    );
    expect(result.compatibility.map((check) => check.id)).toEqual(COMPATIBILITY_CHECK_IDS);
    const failedRequired = result.compatibility.filter(
      (check) => check.kind === 'required' && check.status !== 'pass',
    );
    expect(failedRequired).toEqual([]);
    expect(result.compatibilitySummary.requiredPassed).toBe(
      result.compatibilitySummary.requiredTotal,
    );
    expect(result.throughput).toEqual([]);
    expect(await databaseNames()).not.toContain(result.settings.database);
  });

  it('measures every throughput operation after the seed, without errors', async () => {
    const result = await runMongoWireBench(
      {
        url,
        label: `int-tp-${Date.now().toString(36)}`,
        docs: 300,
        seconds: 0.5,
        concurrency: 2,
        bulkSize: 20,
      },
      quiet,
    );
    expect(result.throughput.map((row) => row.id)).toEqual([
      'seed-insertMany-1000',
      'guarded-upsert',
      'bulkWrite-20-unordered',
      'findOneAndUpdate-inc',
      'find-leaderboard',
      'find-by-id',
      'aggregate-match-group-sort',
    ]);
    for (const row of result.throughput) {
      expect({ id: row.id, errors: row.errors, hung: row.hung }).toEqual({
        id: row.id,
        errors: 0,
        hung: undefined,
      });
      expect(row.operations).toBeGreaterThan(0);
    }
    expect(await databaseNames()).not.toContain(result.settings.database);
  });
});
