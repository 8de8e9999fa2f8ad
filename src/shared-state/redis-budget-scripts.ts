/**
 * Lua for budget counters. Each counter is a hash (`spent`, `held` in nano-dollars, `r:<id>` per
 * hold, `x:<threshold>` once reported) plus a sorted set of hold ids scored by lease expiry, passed
 * as KEYS pairs [hash, leases, hash, leases, ...]. Every script runs atomically in Redis, so
 * concurrent gateways see one order of reservations. Times come from the Redis server clock, so
 * instances with skewed clocks agree.
 */

/**
 * Lua 5.1 turns numbers into strings with "%.14g", which writes large integers in exponent form that
 * HINCRBY rejects; `int` formats them exactly.
 */
const INT = `
local function int(x) return string.format('%d', x) end
`;

/** Shared prelude: server time and the purge of lapsed holds. */
const PRELUDE = `${INT}
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local function purge(h, z)
  local lapsed = redis.call('ZRANGEBYSCORE', z, '-inf', int(now))
  for _, id in ipairs(lapsed) do
    local amount = redis.call('HGET', h, 'r:' .. id)
    if amount then
      redis.call('HINCRBY', h, 'held', int(-tonumber(amount)))
      redis.call('HDEL', h, 'r:' .. id)
    end
  end
  if #lapsed > 0 then redis.call('ZREMRANGEBYSCORE', z, '-inf', int(now)) end
end
local function totals(h)
  local v = redis.call('HMGET', h, 'spent', 'held')
  return tonumber(v[1]) or 0, tonumber(v[2]) or 0
end
`;

/**
 * ARGV: amount, reservation id, lease ms, batch (0/1), then per counter: limit, throttle, expire-at.
 * Returns {1, spent1, held1, ...} or {0, index, reason (1 limit, 2 throttle), spent, held, first}.
 */
export const RESERVE_SCRIPT = `${PRELUDE}
local amount = tonumber(ARGV[1])
local id = ARGV[2]
local lease = tonumber(ARGV[3])
local batch = ARGV[4] == '1'
local n = #KEYS / 2
local spent, held = {}, {}
for i = 1, n do
  local h, z = KEYS[2 * i - 1], KEYS[2 * i]
  purge(h, z)
  spent[i], held[i] = totals(h)
  local limit = tonumber(ARGV[4 + 3 * (i - 1) + 1])
  local throttle = tonumber(ARGV[4 + 3 * (i - 1) + 2])
  local reason = 0
  if batch and spent[i] + held[i] >= throttle then reason = 2
  elseif spent[i] + held[i] + amount > limit then reason = 1 end
  if reason > 0 then
    local first = 0
    if reason == 1 then
      first = redis.call('HSETNX', h, 'x:limit', '1')
      redis.call('PEXPIREAT', h, ARGV[4 + 3 * (i - 1) + 3])
    end
    return {0, i - 1, reason, spent[i], held[i], first}
  end
end
local result = {1}
for i = 1, n do
  local h, z = KEYS[2 * i - 1], KEYS[2 * i]
  local expireAt = ARGV[4 + 3 * (i - 1) + 3]
  redis.call('HINCRBY', h, 'held', ARGV[1])
  redis.call('HSET', h, 'r:' .. id, ARGV[1])
  redis.call('ZADD', z, int(now + lease), id)
  redis.call('PEXPIREAT', h, expireAt)
  redis.call('PEXPIREAT', z, expireAt)
  result[#result + 1] = spent[i]
  result[#result + 1] = held[i] + amount
end
return result
`;

/**
 * ARGV: reservation id, actual amount, then per counter: fallback, throttle, limit, expire-at.
 * Returns {spent1, held1, ..., count, index, threshold (1 fallback, 2 throttle, 3 limit), ...}.
 */
export const SETTLE_SCRIPT = `${PRELUDE}
local id = ARGV[1]
local n = #KEYS / 2
local result = {}
local crossed = {}
local names = {'fallback', 'throttle', 'limit'}
for i = 1, n do
  local h, z = KEYS[2 * i - 1], KEYS[2 * i]
  local amount = redis.call('HGET', h, 'r:' .. id)
  if amount then
    redis.call('HINCRBY', h, 'held', int(-tonumber(amount)))
    redis.call('HDEL', h, 'r:' .. id)
    redis.call('ZREM', z, id)
  end
  local spent = tonumber(redis.call('HINCRBY', h, 'spent', ARGV[2]))
  for k = 1, 3 do
    local threshold = tonumber(ARGV[2 + 4 * (i - 1) + k])
    if spent >= threshold and redis.call('HSETNX', h, 'x:' .. names[k], '1') == 1 then
      crossed[#crossed + 1] = i - 1
      crossed[#crossed + 1] = k
    end
  end
  local expireAt = ARGV[2 + 4 * (i - 1) + 4]
  redis.call('PEXPIREAT', h, expireAt)
  redis.call('PEXPIREAT', z, expireAt)
  local s, held = totals(h)
  result[#result + 1] = s
  result[#result + 1] = held
end
result[#result + 1] = #crossed / 2
for _, v in ipairs(crossed) do result[#result + 1] = v end
return result
`;

/** ARGV: reservation id. Drops the hold from every counter. */
export const RELEASE_SCRIPT = `${INT}
local id = ARGV[1]
for i = 1, #KEYS / 2 do
  local h, z = KEYS[2 * i - 1], KEYS[2 * i]
  local amount = redis.call('HGET', h, 'r:' .. id)
  if amount then
    redis.call('HINCRBY', h, 'held', int(-tonumber(amount)))
    redis.call('HDEL', h, 'r:' .. id)
    redis.call('ZREM', z, id)
  end
end
return 1
`;

/** Purges lapsed holds and returns {spent1, held1, ...}. */
export const READ_SCRIPT = `${PRELUDE}
local result = {}
for i = 1, #KEYS / 2 do
  local h, z = KEYS[2 * i - 1], KEYS[2 * i]
  purge(h, z)
  local spent, held = totals(h)
  result[#result + 1] = spent
  result[#result + 1] = held
end
return result
`;
