// Ledger records for tests, the durability child process and the benchmark.
import type { AttemptRecord, RequestRecord } from '../ledger-record.js';

let counter = 0;

/** A plausible settled request: a cache miss served by one successful OpenAI attempt. */
export function sampleRequest(overrides: Partial<RequestRecord> = {}): RequestRecord {
  counter += 1;
  return {
    requestId: `req_${process.pid}_${Date.now().toString(36)}_${counter}`,
    startedAt: Date.UTC(2026, 6, 1, 12),
    tenant: 'acme',
    feature: 'chat',
    keyId: 'key_1',
    protocol: 'openai',
    requestedModel: 'auto',
    routeRule: 'complexity',
    routeReason: 'complexity 0.21 < 0.45: tier fast',
    tier: 'fast',
    provider: 'openai',
    model: 'gpt-4o-mini',
    uncachedInputTokens: 1200,
    cacheReadInputTokens: 0,
    cacheWriteInputTokens: 0,
    cacheWrite1hInputTokens: 0,
    outputTokens: 150,
    reasoningTokens: 0,
    usageSource: 'reported',
    costUsd: 0.00027,
    counterfactualCostUsd: 0.0045,
    cacheStatus: 'miss',
    latencyMs: 812.5,
    ttftMs: 230.25,
    overheadMs: 0.8,
    attempts: 1,
    stream: true,
    batch: false,
    outcome: 'success',
    errorCode: null,
    httpStatus: 200,
    shadowOf: null,
    priced: true,
    ...overrides,
    // As the ledger stores it: the live-price cost is the cost unless a batch discount applied.
    liveCostUsd: overrides.liveCostUsd ?? overrides.costUsd ?? 0.00027,
  };
}

/** The attempt behind {@link sampleRequest}. */
export function sampleAttempt(request: RequestRecord, overrides: Partial<AttemptRecord> = {}): AttemptRecord {
  return {
    requestId: request.requestId,
    attemptIndex: 0,
    provider: request.provider ?? 'openai',
    model: request.model ?? 'gpt-4o-mini',
    startedAt: request.startedAt + 1,
    latencyMs: request.latencyMs - 1,
    ttftMs: request.ttftMs,
    outcome: 'success',
    errorCode: null,
    httpStatus: 200,
    uncachedInputTokens: request.uncachedInputTokens,
    cacheReadInputTokens: request.cacheReadInputTokens,
    cacheWriteInputTokens: request.cacheWriteInputTokens,
    cacheWrite1hInputTokens: request.cacheWrite1hInputTokens,
    outputTokens: request.outputTokens,
    reasoningTokens: request.reasoningTokens,
    usageSource: request.usageSource,
    costUsd: request.costUsd,
    ...overrides,
  };
}
