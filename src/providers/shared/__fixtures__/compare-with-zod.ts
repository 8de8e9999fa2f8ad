import assert from 'node:assert/strict';
import type { z } from 'zod';
import { mutateJson } from './mutate-json.js';

/** How many damaged variants a differential run tried, how many zod accepts, how many the fast path took. */
export interface ZodComparison {
  variants: number;
  valid: number;
  fast: number;
}

/**
 * Runs a hand-written fast path and its zod schema over every {@link mutateJson} variant of the
 * samples. The fast path may leave a valid payload to zod, but must never pass one zod refuses, and
 * what it passes must read the same as zod's output; either failure is an assertion error.
 */
export function compareWithZod(options: {
  samples: readonly unknown[];
  read: (value: unknown) => unknown;
  schema: z.ZodType;
}): ZodComparison {
  let variants = 0;
  let valid = 0;
  let fast = 0;
  for (const sample of options.samples) {
    for (const variant of mutateJson(sample)) {
      variants += 1;
      const parsed = options.schema.safeParse(variant);
      if (parsed.success) valid += 1;
      const read = options.read(variant);
      if (read === undefined) continue;
      fast += 1;
      assert.ok(parsed.success, `the fast path passed what zod refuses: ${JSON.stringify(variant)}`);
      assert.deepEqual(read, parsed.data, `fast path and zod differ on ${JSON.stringify(variant)}`);
    }
  }
  return { variants, valid, fast };
}
