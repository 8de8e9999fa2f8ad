import type { Attributes } from '@opentelemetry/api';
import type { ProviderConfig } from '../config/config-schema.js';
import { scrubSecrets } from '../logging/create-logger.js';
import type { Usage } from '../spec/index.js';
import type { SettledAttempt, SettledRequest } from '../stages/settle/settled-request.js';

/** `gen_ai.operation.name`: every settled request the gateway traces is a chat (as the metrics label it). */
export const OPERATION_NAME = 'chat';

/** Provider kinds and presets as the GenAI conventions' well-known `gen_ai.provider.name` values spell them. */
const WELL_KNOWN_PROVIDERS: Record<string, string> = {
  openai: 'openai',
  anthropic: 'anthropic',
  deepseek: 'deepseek',
  groq: 'groq',
};

/**
 * `gen_ai.provider.name` (and the older `gen_ai.system`): the conventions' well-known name where there
 * is one, else the compatible preset, else the configured provider name; the simulated provider says so.
 */
export function genAiProviderName(provider: ProviderConfig): string {
  if (provider.kind === 'simulated') return 'tollgate.simulated';
  const known = WELL_KNOWN_PROVIDERS[provider.preset ?? provider.kind];
  if (known) return known;
  return provider.preset ?? provider.name;
}

/** Token attributes: `input_tokens` counts every input token, cached or not, as the conventions define it. */
function usageAttributes(usage: Usage | undefined): Attributes {
  if (!usage) return {};
  return {
    'gen_ai.usage.input_tokens': usage.uncachedInputTokens + usage.cacheReadInputTokens + usage.cacheWriteInputTokens,
    'gen_ai.usage.output_tokens': usage.outputTokens,
    'gen_ai.usage.cache_read.input_tokens': usage.cacheReadInputTokens,
    'gen_ai.usage.cache_creation.input_tokens': usage.cacheWriteInputTokens,
    'tollgate.usage.uncached_input_tokens': usage.uncachedInputTokens,
    'tollgate.usage.reasoning_tokens': usage.reasoningTokens,
    'tollgate.usage.source': usage.source,
  };
}

/** Values that came from client headers or provider messages may carry a key: scrub before export. */
function text(value: string): string {
  return scrubSecrets(value);
}

/**
 * The request span's attributes: the GenAI request and response models, the answering provider, tokens,
 * and the gateway's own cost, attribution, route and cache fields under `tollgate.*`. Never prompt or
 * answer content.
 */
export function requestSpanAttributes(settled: SettledRequest): Attributes {
  const answering = settled.attempts.at(-1);
  const attributes: Attributes = {
    'gen_ai.operation.name': OPERATION_NAME,
    'tollgate.request_id': settled.requestId,
    'tollgate.protocol': settled.protocol,
    'tollgate.tenant': text(settled.tenant),
    'tollgate.feature': text(settled.feature),
    'tollgate.cache.status': settled.cacheStatus,
    'tollgate.cost_usd': settled.costUsd,
    'tollgate.baseline_cost_usd': settled.counterfactualCostUsd,
    'tollgate.priced': settled.priced,
    'tollgate.attempts': settled.attempts.length,
    'tollgate.overhead_ms': settled.overheadMs,
    'tollgate.outcome': settled.outcome,
    'tollgate.stream': settled.stream,
    'tollgate.batch': settled.batch,
    'http.response.status_code': settled.httpStatus,
    ...usageAttributes(settled.usage),
  };
  if (settled.requestedModel !== undefined) attributes['gen_ai.request.model'] = text(settled.requestedModel);
  if (settled.model !== undefined) attributes['gen_ai.response.model'] = settled.model;
  if (settled.provider !== undefined) attributes['tollgate.provider'] = settled.provider;
  if (answering) {
    const provider = genAiProviderName(answering.deployment.provider);
    attributes['gen_ai.provider.name'] = provider;
    attributes['gen_ai.system'] = provider;
    attributes['tollgate.deployment'] = answering.deployment.id;
  }
  if (settled.keyId !== undefined) attributes['tollgate.key_id'] = settled.keyId;
  // As the ledger and the metrics name it: a gateway cache hit is decided by the cache, not a route rule.
  const cacheHit = settled.cacheStatus === 'hit-exact' || settled.cacheStatus === 'hit-semantic';
  attributes['tollgate.route.rule'] = cacheHit ? 'cache' : (settled.route?.rule ?? 'none');
  if (settled.route) attributes['tollgate.route.reason'] = text(settled.route.reason);
  if (settled.route?.tier !== undefined) attributes['tollgate.route.tier'] = settled.route.tier;
  if (settled.ttftMs !== undefined) attributes['tollgate.ttft_ms'] = settled.ttftMs;
  if (settled.errorCode !== undefined) attributes['error.type'] = settled.errorCode;
  if (settled.warnings.length > 0) attributes['tollgate.warnings'] = settled.warnings.map(text);
  if (settled.shadowOf !== undefined) attributes['tollgate.shadow_of'] = settled.shadowOf;
  return attributes;
}

/** One upstream attempt's attributes: the call to the provider, as a GenAI client span describes it. */
export function attemptSpanAttributes(attempt: SettledAttempt, index: number): Attributes {
  const provider = genAiProviderName(attempt.deployment.provider);
  const attributes: Attributes = {
    'gen_ai.operation.name': OPERATION_NAME,
    'gen_ai.provider.name': provider,
    'gen_ai.system': provider,
    'gen_ai.request.model': attempt.deployment.upstreamModel,
    'tollgate.deployment': attempt.deployment.id,
    'tollgate.provider': attempt.deployment.provider.name,
    'tollgate.attempt': index + 1,
    'tollgate.cost_usd': attempt.costUsd,
    ...usageAttributes(attempt.usage),
  };
  if (!attempt.error) attributes['gen_ai.response.model'] = attempt.deployment.upstreamModel;
  if (attempt.ttftMs !== undefined) attributes['tollgate.ttft_ms'] = attempt.ttftMs;
  if (attempt.error) attributes['error.type'] = attempt.error.code;
  return attributes;
}
