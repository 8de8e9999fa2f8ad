import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import type { PricingConfig } from '../../config/config-schema.js';
import { GatewayError } from '../../spec/index.js';

/** What a scale factor applies to. */
export const SCALE_TARGETS = ['provider', 'model', 'location', 'all'] as const;

/** Prices of matching deployments multiplied by `factor`. */
export interface PriceScale {
  /** `provider` (name or preset), `model` (name, upstream, `price_as` or catalogue name), `location` (`cloud`/`local`), `all`. */
  target: (typeof SCALE_TARGETS)[number];
  /** What to match (ignored for `all`). */
  match: string;
  factor: number;
}

/** A what-if on prices: explicit prices per model, then scale factors. */
export interface PriceScenario {
  /** Shown in the report. */
  name: string;
  /** Per-model prices (USD per million tokens) by model or catalogue name, like the config's `pricing`. */
  pricing: Record<string, PricingConfig>;
  scales: PriceScale[];
}

const pricingSchema = z
  .object({
    input_per_mtok: z.number().nonnegative(),
    output_per_mtok: z.number().nonnegative(),
    cache_read_per_mtok: z.number().nonnegative().optional(),
    cache_write_per_mtok: z.number().nonnegative().optional(),
    cache_write_1h_per_mtok: z.number().nonnegative().optional(),
  })
  .strict();

const factor = z.number().positive();

const scenarioSchema = z
  .object({
    name: z.string().min(1).optional(),
    /** Explicit prices by model name, USD per million tokens. */
    pricing: z.record(z.string(), pricingSchema).default({}),
    scale: z
      .object({
        provider: z.record(z.string(), factor).default({}),
        model: z.record(z.string(), factor).default({}),
        location: z.partialRecord(z.enum(['cloud', 'local']), factor).default({}),
        all: factor.optional(),
      })
      .strict()
      .prefault({}),
  })
  .strict();

/**
 * Parses `--scale` text: `provider=deepseek:2`, `model=gpt-5.5:0.8`, `location=cloud:2` or `all:1.5`.
 * A bad flag is an `invalid_request` that says what was expected.
 */
export function parseScaleFlag(text: string): PriceScale {
  const match = /^(?:(provider|model|location)=(.+)|all):([0-9]*\.?[0-9]+)$/.exec(text.trim());
  const value = Number(match?.[3]);
  if (!match || !(value > 0)) {
    throw new GatewayError({
      code: 'invalid_request',
      message: `--scale "${text}": use provider=NAME:FACTOR, model=NAME:FACTOR, location=cloud|local:FACTOR or all:FACTOR (e.g. provider=deepseek:2)`,
    });
  }
  const target = (match[1] ?? 'all') as PriceScale['target'];
  return { target, match: match[2] ?? '*', factor: value };
}

/** Parses a scenario document (YAML: `name`, `pricing`, `scale: { provider, model, location, all }`). */
export function parsePriceScenario(document: unknown, source: string): PriceScenario {
  const parsed = scenarioSchema.safeParse(document ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.length ? issue.path.join('.') : '(top level)';
    throw new GatewayError({ code: 'invalid_request', message: `${source}: ${where}: ${issue?.message ?? 'invalid'}` });
  }
  const { scale } = parsed.data;
  const scales: PriceScale[] = [
    ...Object.entries(scale.provider).map(([match, value]) => ({ target: 'provider' as const, match, factor: value })),
    ...Object.entries(scale.model).map(([match, value]) => ({ target: 'model' as const, match, factor: value })),
    ...Object.entries(scale.location).map(([match, value]) => ({ target: 'location' as const, match, factor: value })),
    ...(scale.all === undefined ? [] : [{ target: 'all' as const, match: '*', factor: scale.all }]),
  ];
  return { name: parsed.data.name ?? source, pricing: parsed.data.pricing, scales };
}

/** Reads a `--prices` scenario file. */
export async function readPriceScenario(path: string): Promise<PriceScenario> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new GatewayError({
      code: 'invalid_request',
      message: `Cannot read the price scenario ${path}`,
      cause: error,
    });
  }
  let document: unknown;
  try {
    document = parseYaml(text);
  } catch (error) {
    throw new GatewayError({ code: 'invalid_request', message: `${path} is not valid YAML`, cause: error });
  }
  return parsePriceScenario(document, path);
}

/** One line describing a scenario: `deepseek ×2, gpt-5.5 at $4/$20`. */
export function describeScenario(scenario: PriceScenario): string {
  const scales = scenario.scales.map((scale) =>
    scale.target === 'all' ? `all prices ×${scale.factor}` : `${scale.target} ${scale.match} ×${scale.factor}`,
  );
  const prices = Object.entries(scenario.pricing).map(
    ([model, price]) => `${model} at $${price.input_per_mtok}/$${price.output_per_mtok} per 1M`,
  );
  return [...prices, ...scales].join(', ') || 'catalogue prices';
}
