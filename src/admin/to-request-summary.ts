import type { RequestRecord } from '../ledger/ledger-record.js';
import type { SettledRequest } from '../stages/settle/settled-request.js';

/**
 * A settled request in the ledger's row shape, so that the live feed and `/admin/requests` give the
 * dashboard one kind of row. Mirrors how the ledger records a request (a cache hit's rule is `cache`).
 */
export function toRequestSummary(settled: SettledRequest): RequestRecord {
  const usage = settled.usage;
  const hit = settled.cacheStatus === 'hit-exact' || settled.cacheStatus === 'hit-semantic';
  return {
    requestId: settled.requestId,
    startedAt: settled.startedAtEpochMs,
    tenant: settled.tenant,
    feature: settled.feature,
    keyId: settled.keyId ?? null,
    protocol: settled.protocol,
    requestedModel: settled.requestedModel ?? '',
    routeRule: hit ? 'cache' : (settled.route?.rule ?? 'none'),
    routeReason: settled.route?.reason ?? (hit ? settled.cacheStatus : ''),
    tier: settled.route?.tier ?? null,
    provider: settled.provider ?? null,
    model: settled.model ?? null,
    uncachedInputTokens: usage?.uncachedInputTokens ?? 0,
    cacheReadInputTokens: usage?.cacheReadInputTokens ?? 0,
    cacheWriteInputTokens: usage?.cacheWriteInputTokens ?? 0,
    cacheWrite1hInputTokens: usage?.cacheWrite1hInputTokens ?? 0,
    outputTokens: usage?.outputTokens ?? 0,
    reasoningTokens: usage?.reasoningTokens ?? 0,
    usageSource: usage?.source ?? 'none',
    costUsd: settled.costUsd,
    counterfactualCostUsd: settled.counterfactualCostUsd,
    cacheStatus: settled.cacheStatus,
    latencyMs: Math.round(settled.latencyMs * 1000) / 1000,
    ttftMs: settled.ttftMs === undefined ? null : Math.round(settled.ttftMs * 1000) / 1000,
    overheadMs: Math.round(settled.overheadMs * 1000) / 1000,
    attempts: settled.attempts.length,
    stream: settled.stream,
    batch: settled.batch,
    outcome: settled.outcome,
    errorCode: settled.errorCode ?? null,
    httpStatus: settled.httpStatus,
    shadowOf: settled.shadowOf ?? null,
    priced: settled.priced,
  };
}
