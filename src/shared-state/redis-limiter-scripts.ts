import { BREAKER_SLOTS } from './breaker-record.js';

/**
 * Lua for breakers, token buckets and concurrency slots: the same transitions as breaker-record.ts
 * and token-bucket.ts (the contract test runs both stores through the same cases). A breaker is a
 * hash: phase, until, probes, probeAt and a ring of slots i<n>/s<n>/f<n>. A bucket is a hash:
 * tokens, ts.
 */
const PRELUDE = `
local function int(x) return string.format('%d', x) end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local SLOTS = ${BREAKER_SLOTS}
`;

/**
 * KEYS: breaker, bucket... ARGV: half-open probes, probe lease ms, then per bucket: capacity,
 * refill per second, amount. Returns {1, probe} admitted, {0, 1, phase (1 open, 2 half-open),
 * retry-in ms} refused by the breaker, or {0, 2, wait ms} refused by a bucket.
 */
export const ADMIT_SCRIPT = `${PRELUDE}
local b = KEYS[1]
local st = redis.call('HMGET', b, 'phase', 'until', 'probes', 'probeAt')
local phase = st[1] or 'closed'
local probe = 0
local probes = 0
if phase == 'open' then
  local untilMs = tonumber(st[2]) or 0
  if now < untilMs then return {0, 1, 1, untilMs - now} end
end
if phase ~= 'closed' then
  probes = tonumber(st[3]) or 0
  if phase == 'open' or now - (tonumber(st[4]) or 0) >= tonumber(ARGV[2]) then probes = 0 end
  if probes >= tonumber(ARGV[1]) then return {0, 1, 2, 0} end
  probe = 1
end
local wait = 0
local levels = {}
for j = 2, #KEYS do
  local base = 2 + 3 * (j - 2)
  local cap, rate, amount = tonumber(ARGV[base + 1]), tonumber(ARGV[base + 2]), tonumber(ARGV[base + 3])
  local v = redis.call('HMGET', KEYS[j], 'tokens', 'ts')
  local tokens = cap
  if v[1] then tokens = math.min(cap, tonumber(v[1]) + math.max(0, now - tonumber(v[2])) * rate / 1000) end
  levels[j] = tokens
  local needed = math.min(amount, cap)
  if tokens < needed then wait = math.max(wait, math.ceil((needed - tokens) * 1000 / rate)) end
end
if wait > 0 then return {0, 2, wait} end
for j = 2, #KEYS do
  local base = 2 + 3 * (j - 2)
  local cap, rate, amount = tonumber(ARGV[base + 1]), tonumber(ARGV[base + 2]), tonumber(ARGV[base + 3])
  redis.call('HSET', KEYS[j], 'tokens', tostring(levels[j] - amount), 'ts', int(now))
  redis.call('PEXPIRE', KEYS[j], int(math.ceil(cap * 1000 / rate) + 60000))
end
if probe == 1 then redis.call('HSET', b, 'phase', 'half-open', 'probes', probes + 1, 'probeAt', int(now)) end
return {1, probe}
`;

/**
 * KEYS: breaker. ARGV: outcome (s, f, i), probe (0/1), failure ratio, window ms, min requests,
 * cooldown ms, count. Returns {phase (0 closed, 1 open, 2 half-open), retry-in ms}.
 */
export const RECORD_SCRIPT = `${PRELUDE}
local b = KEYS[1]
local outcome, probe = ARGV[1], ARGV[2] == '1'
local ratio, windowMs, minRequests, cooldown = tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[6])
local st = redis.call('HMGET', b, 'phase', 'until', 'probes')
local phase = st[1] or 'closed'
local untilMs = tonumber(st[2]) or 0
local function state()
  if phase == 'open' then
    if now >= untilMs then return {2, 0} end
    return {1, untilMs - now}
  end
  if phase == 'half-open' then return {2, 0} end
  return {0, 0}
end
local function reset()
  local fields = {}
  for s = 0, SLOTS - 1 do
    fields[#fields + 1] = 'i' .. s
    fields[#fields + 1] = 's' .. s
    fields[#fields + 1] = 'f' .. s
  end
  redis.call('HDEL', b, unpack(fields))
end
local function open()
  phase = 'open'
  untilMs = now + cooldown
  redis.call('HSET', b, 'phase', 'open', 'until', int(untilMs), 'probes', 0)
  reset()
end
if probe then redis.call('HSET', b, 'probes', math.max(0, (tonumber(st[3]) or 0) - 1)) end
if outcome == 'i' then return state() end
if phase == 'half-open' and probe then
  if outcome == 's' then
    phase = 'closed'
    redis.call('HSET', b, 'phase', 'closed', 'probes', 0)
    reset()
  else
    open()
  end
  return state()
end
local width = windowMs / SLOTS
local index = math.floor(now / width)
local slot = index % SLOTS
if tonumber(redis.call('HGET', b, 'i' .. slot)) ~= index then
  redis.call('HSET', b, 'i' .. slot, int(index), 's' .. slot, 0, 'f' .. slot, 0)
end
local count = math.max(1, tonumber(ARGV[7]) or 1)
if outcome == 's' then redis.call('HINCRBY', b, 's' .. slot, count) else redis.call('HINCRBY', b, 'f' .. slot, count) end
if phase ~= 'closed' then return state() end
local fields = {}
for s = 0, SLOTS - 1 do
  fields[#fields + 1] = 'i' .. s
  fields[#fields + 1] = 's' .. s
  fields[#fields + 1] = 'f' .. s
end
local v = redis.call('HMGET', b, unpack(fields))
local total, failed = 0, 0
for s = 0, SLOTS - 1 do
  local at = 3 * s
  if v[at + 1] and tonumber(v[at + 1]) > index - SLOTS then
    total = total + (tonumber(v[at + 2]) or 0) + (tonumber(v[at + 3]) or 0)
    failed = failed + (tonumber(v[at + 3]) or 0)
  end
end
if total >= minRequests and failed / total >= ratio then open() end
return state()
`;

/** KEYS: breaker. Returns {phase, retry-in ms} as RECORD_SCRIPT does. */
export const READ_BREAKER_SCRIPT = `${PRELUDE}
local st = redis.call('HMGET', KEYS[1], 'phase', 'until')
local phase = st[1] or 'closed'
if phase == 'open' then
  local untilMs = tonumber(st[2]) or 0
  if now >= untilMs then return {2, 0} end
  return {1, untilMs - now}
end
if phase == 'half-open' then return {2, 0} end
return {0, 0}
`;

/** KEYS: bucket. ARGV: capacity, refill per second, amount. Debt is bounded at one bucket. */
export const DEBIT_SCRIPT = `${PRELUDE}
local cap, rate, amount = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local v = redis.call('HMGET', KEYS[1], 'tokens', 'ts')
local tokens = cap
if v[1] then tokens = math.min(cap, tonumber(v[1]) + math.max(0, now - tonumber(v[2])) * rate / 1000) end
redis.call('HSET', KEYS[1], 'tokens', tostring(math.max(-cap, tokens - amount)), 'ts', int(now))
redis.call('PEXPIRE', KEYS[1], int(math.ceil(cap * 1000 / rate) * 2 + 60000))
return 1
`;

/** KEYS: slot set. ARGV: limit, holder, lease ms. Returns 1 when the slot was taken. */
export const ACQUIRE_SLOT_SCRIPT = `${PRELUDE}
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', int(now))
if redis.call('ZSCORE', KEYS[1], ARGV[2]) == false and redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[1]) then
  return 0
end
redis.call('ZADD', KEYS[1], int(now + tonumber(ARGV[3])), ARGV[2])
redis.call('PEXPIRE', KEYS[1], int(tonumber(ARGV[3]) + 1000))
return 1
`;

/** KEYS: slot set. ARGV: lease ms, holders... Extends the holders still present. */
export const RENEW_SLOTS_SCRIPT = `${PRELUDE}
local expires = int(now + tonumber(ARGV[1]))
for i = 2, #ARGV do redis.call('ZADD', KEYS[1], 'XX', expires, ARGV[i]) end
redis.call('PEXPIRE', KEYS[1], int(tonumber(ARGV[1]) + 1000))
return 1
`;

/** KEYS: slot set. ARGV: holder, channel, key name. Frees the slot and wakes waiters everywhere. */
export const RELEASE_SLOT_SCRIPT = `
redis.call('ZREM', KEYS[1], ARGV[1])
redis.call('PUBLISH', ARGV[2], ARGV[3])
return 1
`;
