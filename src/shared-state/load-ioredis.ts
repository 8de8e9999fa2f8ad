import { createRequire } from 'node:module';
import type { Redis } from 'ioredis';

const require = createRequire(import.meta.url);

/**
 * The ioredis client class, loaded on first use: ioredis costs ~15 MB of resident memory, which a
 * gateway without Redis in its config should not pay.
 */
export function loadRedisClass(): typeof Redis {
  return (require('ioredis') as typeof import('ioredis')).Redis;
}
