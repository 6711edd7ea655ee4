// The player-view cache is one Redis hash per player: v = version of the cached view,
// b = the view as JSON, p = a version a projector is about to write to Mongo ("pending").
// A view is served only when no pending version is above it, so a reader never gets a
// view older than what Mongo holds, even in the moment between the Mongo write and the
// cache write. Both scripts only move versions forward.

/** KEYS[1] = key; ARGV = version, ttlMs. Records version as pending unless the cache already has it. */
export const MARK_PENDING_SCRIPT = `
local cur = redis.call('HMGET', KEYS[1], 'v', 'p')
local v = tonumber(cur[1] or '0')
local p = tonumber(cur[2] or '0')
local n = tonumber(ARGV[1])
if n > v and n > p then
  redis.call('HSET', KEYS[1], 'p', ARGV[1])
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return 1
end
return 0`;

/**
 * KEYS[1] = key; ARGV = version, body, ttlMs. Stores the view unless the cached one is as
 * new or newer (an older value never replaces a newer one); clears the pending mark it
 * satisfies.
 */
export const SET_IF_NEWER_SCRIPT = `
local cur = redis.call('HMGET', KEYS[1], 'v', 'p')
local v = tonumber(cur[1] or '0')
local p = tonumber(cur[2] or '0')
local n = tonumber(ARGV[1])
if n <= v then return 0 end
redis.call('HSET', KEYS[1], 'v', ARGV[1], 'b', ARGV[2])
if p > 0 and n >= p then redis.call('HDEL', KEYS[1], 'p') end
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return 1`;

/**
 * MARK_PENDING_SCRIPT for many keys in one call (one command per round instead of one per
 * player). KEYS = the keys; ARGV[1] = ttlMs, ARGV[1 + i] = the version for KEYS[i].
 * Multi-key: one Redis (or keys in one hash slot), as the fleet runs it.
 */
export const MARK_PENDING_MANY_SCRIPT = `
local marked = 0
for i, key in ipairs(KEYS) do
  local cur = redis.call('HMGET', key, 'v', 'p')
  local v = tonumber(cur[1] or '0')
  local p = tonumber(cur[2] or '0')
  local n = tonumber(ARGV[i + 1])
  if n > v and n > p then
    redis.call('HSET', key, 'p', ARGV[i + 1])
    redis.call('PEXPIRE', key, ARGV[1])
    marked = marked + 1
  end
end
return marked`;

/**
 * SET_IF_NEWER_SCRIPT for many keys in one call. KEYS = the keys; ARGV[1] = ttlMs,
 * ARGV[2i] = the version and ARGV[2i + 1] = the body for KEYS[i].
 */
export const SET_IF_NEWER_MANY_SCRIPT = `
local stored = 0
for i, key in ipairs(KEYS) do
  local cur = redis.call('HMGET', key, 'v', 'p')
  local v = tonumber(cur[1] or '0')
  local p = tonumber(cur[2] or '0')
  local n = tonumber(ARGV[2 * i])
  if n > v then
    redis.call('HSET', key, 'v', ARGV[2 * i], 'b', ARGV[2 * i + 1])
    if p > 0 and n >= p then redis.call('HDEL', key, 'p') end
    redis.call('PEXPIRE', key, ARGV[1])
    stored = stored + 1
  end
end
return stored`;
