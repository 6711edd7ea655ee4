import { uniqueName } from '@qf/shared-testing';
import { createRedis } from './index';

describe('Redis through ioredis', () => {
  const redis = createRedis();
  const key = uniqueName('int-redis');

  afterAll(async () => {
    await redis.del(key, `${key}:hash`);
    redis.disconnect();
  });

  it('round-trips a value with a TTL', async () => {
    await redis.set(key, JSON.stringify({ version: 3 }), 'EX', 60);
    expect(JSON.parse((await redis.get(key)) ?? 'null')).toEqual({ version: 3 });
    const ttl = await redis.ttl(key);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(60);
  });

  it('runs a Lua script atomically (the compare-version write the cache relies on)', async () => {
    const script = `
      local current = tonumber(redis.call('HGET', KEYS[1], 'version') or '0')
      if tonumber(ARGV[1]) > current then
        redis.call('HSET', KEYS[1], 'version', ARGV[1], 'body', ARGV[2])
        return 1
      end
      return 0`;
    const hash = `${key}:hash`;
    expect(await redis.eval(script, 1, hash, '2', 'v2')).toBe(1);
    expect(await redis.eval(script, 1, hash, '1', 'v1')).toBe(0);
    expect(await redis.hgetall(hash)).toEqual({ version: '2', body: 'v2' });
  });
});
