import type { Ledger } from '../../ledger/ledger.js';
import type { AttemptRecord, RequestRecord } from '../../ledger/ledger-record.js';
import type { Usage } from '../../spec/index.js';
import type { SettledRequest, SettleObserver } from './settled-request.js';

function tokens(usage: Usage | undefined) {
  return {
    uncachedInputTokens: usage?.uncachedInputTokens ?? 0,
    cacheReadInputTokens: usage?.cacheReadInputTokens ?? 0,
    cacheWriteInputTokens: usage?.cacheWriteInputTokens ?? 0,
    cacheWrite1hInputTokens: usage?.cacheWrite1hInputTokens ?? 0,
    outputTokens: usage?.outputTokens ?? 0,
    reasoningTokens: usage?.reasoningTokens ?? 0,
  };
}

/** A settled request as ledger rows: one for the request, one per upstream attempt. */
export function toLedgerRecords(settled: SettledRequest): { request: RequestRecord; attempts: AttemptRecord[] } {
  const rounded = (value: number): number => Math.round(value * 1000) / 1000;
  const request: RequestRecord = {
    requestId: settled.requestId,
    startedAt: settled.startedAtEpochMs,
    tenant: settled.tenant,
    feature: settled.feature,
    keyId: settled.keyId ?? null,
    protocol: settled.protocol,
    requestedModel: settled.requestedModel ?? '',
    routeRule: settled.cacheStatus.startsWith('hit') ? 'cache' : (settled.route?.rule ?? 'none'),
    routeReason: settled.route?.reason ?? (settled.cacheStatus.startsWith('hit') ? settled.cacheStatus : ''),
    tier: settled.route?.tier ?? null,
    provider: settled.provider ?? null,
    model: settled.model ?? null,
    ...tokens(settled.usage),
    usageSource: settled.usage?.source ?? 'none',
    costUsd: settled.costUsd,
    counterfactualCostUsd: settled.counterfactualCostUsd,
    cacheStatus: settled.cacheStatus,
    latencyMs: rounded(settled.latencyMs),
    ttftMs: settled.ttftMs === undefined ? null : rounded(settled.ttftMs),
    overheadMs: rounded(settled.overheadMs),
    attempts: settled.attempts.length,
    stream: settled.stream,
    batch: settled.batch,
    outcome: settled.outcome,
    errorCode: settled.errorCode ?? null,
    httpStatus: settled.httpStatus,
    shadowOf: settled.shadowOf ?? null,
    priced: settled.priced,
    liveCostUsd: settled.liveCostUsd ?? settled.costUsd,
  };
  const attempts = settled.attempts.map(
    (attempt, attemptIndex): AttemptRecord => ({
      requestId: settled.requestId,
      attemptIndex,
      provider: attempt.deployment.provider.name,
      model: attempt.deployment.upstreamModel,
      startedAt: attempt.startedAtEpochMs,
      latencyMs: rounded(attempt.latencyMs),
      ttftMs: attempt.ttftMs === undefined ? null : rounded(attempt.ttftMs),
      outcome: attempt.error ? 'error' : 'success',
      errorCode: attempt.error?.code ?? null,
      httpStatus: attempt.error?.upstreamStatus ?? (attempt.error ? attempt.error.status : 200),
      ...tokens(attempt.usage),
      usageSource: attempt.usage?.source ?? 'none',
      costUsd: attempt.costUsd,
    }),
  );
  return { request, attempts };
}

/** The ledger as a settle observer: rows are durable before the response's last byte. */
export function createLedgerObserver(ledger: Ledger): SettleObserver {
  // With the ledger off there is nothing to build the rows for.
  if (ledger.kind === 'off') return { onSettled() {} };
  return {
    onSettled(settled) {
      const { request, attempts } = toLedgerRecords(settled);
      ledger.recordRequest(request, attempts);
    },
  };
}
