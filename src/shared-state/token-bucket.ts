/** One token bucket's stored level. */
export interface BucketLevel {
  tokens: number;
  updatedAtMs: number;
}

/** The level at `nowMs` after continuous refill, never above capacity. */
export function refilledTokens(options: {
  level: BucketLevel | undefined;
  capacity: number;
  refillPerSecond: number;
  nowMs: number;
}): number {
  const { level, capacity } = options;
  if (!level) return capacity;
  const elapsed = Math.max(0, options.nowMs - level.updatedAtMs);
  return Math.min(capacity, level.tokens + (elapsed * options.refillPerSecond) / 1000);
}

/**
 * How long until `available` tokens grow to `amount` (0 when they already do). A request larger than
 * the whole bucket is treated as a full bucket's worth: it waits for a full bucket, not forever.
 */
export function bucketWaitMs(options: {
  available: number;
  amount: number;
  capacity: number;
  refillPerSecond: number;
}): number {
  const needed = Math.min(options.amount, options.capacity);
  if (options.available >= needed) return 0;
  return Math.ceil(((needed - options.available) * 1000) / options.refillPerSecond);
}
