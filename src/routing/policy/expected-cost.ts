import type { CacheConfig } from '../../config/config-schema.js';
import type { Deployment } from '../../gateway/deployment.js';
import type { PrefixSighting } from './create-recent-prefixes.js';

/**
 * How long a provider keeps a prefix it cached on its own: OpenAI documents 5–10 minutes of
 * inactivity (https://platform.openai.com/docs/guides/prompt-caching); the cost rule takes the lower end.
 */
export const AUTOMATIC_PREFIX_TTL_MS = 5 * 60_000;
const BREAKPOINT_TTL_MS = { '5m': 5 * 60_000, '1h': 60 * 60_000 } as const;

/** What a request is expected to cost on a deployment, and how much of its input the cost rule read from a prefix cache. */
export interface ExpectedCost {
  /** USD; infinite for an unpriced deployment (never assumed free). */
  usd: number;
  /** Input tokens priced at the deployment's cache-read price. */
  cachedTokens: number;
}

/** What {@link expectedCost} needs besides the deployment. */
export interface ExpectedCostInput {
  /** Estimated input tokens of the whole prompt. */
  inputTokens: number;
  /** Output tokens expected (the request's limit, or a typical answer). */
  outputTokens: number;
  /** Earlier sendings of this request's stable prefixes, longest first. */
  prefixes: readonly PrefixSighting[];
  /** The router's clock, ms. */
  now: number;
  /** `cache.prefix`: whether the gateway places Anthropic breakpoints, and their lifetime. */
  prefixSettings: Pick<CacheConfig['prefix'], 'enabled' | 'ttl'>;
}

/**
 * How long a deployment keeps a prefix it was sent, or undefined when it would not cache one (or
 * its cache reads cost no less than input). OpenAI-protocol providers cache prefixes by themselves;
 * Anthropic caches only at the breakpoints the gateway places when `cache.prefix` is on.
 */
export function prefixCacheLifetimeMs(
  deployment: Deployment,
  prefixSettings: ExpectedCostInput['prefixSettings'],
): number | undefined {
  const price = deployment.price;
  if (!price || !(price.cacheRead < price.input)) return undefined;
  if (deployment.adapter.protocol === 'openai') return AUTOMATIC_PREFIX_TTL_MS;
  return prefixSettings.enabled ? BREAKPOINT_TTL_MS[prefixSettings.ttl] : undefined;
}

/**
 * The cost rule's estimate for one deployment: list prices, except that a stable prefix sent within
 * the deployment's cache lifetime is priced at its cache-read price, as it will be read back from the
 * second time on. Cache writes (Anthropic's first sending, at 1.25×) are not counted.
 */
export function expectedCost(deployment: Deployment, input: ExpectedCostInput): ExpectedCost {
  const price = deployment.price;
  if (!price) return { usd: Number.POSITIVE_INFINITY, cachedTokens: 0 };
  const lifetime = prefixCacheLifetimeMs(deployment, input.prefixSettings);
  let cachedTokens = 0;
  if (lifetime !== undefined) {
    const recent = input.prefixes.find((prefix) => input.now - prefix.lastSentMs <= lifetime);
    if (recent) cachedTokens = Math.min(recent.tokens, input.inputTokens);
  }
  const usd =
    price.input * (input.inputTokens - cachedTokens) +
    price.cacheRead * cachedTokens +
    price.output * input.outputTokens;
  return { usd, cachedTokens };
}
