import type { GatewayCore } from '../../gateway/gateway-core.js';
import type { SettledRequest } from './settled-request.js';

/**
 * The settle stage: hands the finished request to every observer (ledger first) and logs one line.
 * Runs before the response's last byte so that a request the client saw complete is on record.
 */
export function settleRequest(core: GatewayCore, settled: SettledRequest): void {
  for (const observer of core.observers) {
    try {
      observer.onSettled(settled);
    } catch (error) {
      core.logger.error({ err: error, requestId: settled.requestId }, 'a settle observer failed');
    }
  }
  const line = {
    requestId: settled.requestId,
    tenant: settled.tenant,
    feature: settled.feature,
    model: settled.model,
    provider: settled.provider,
    route: settled.route ? `${settled.route.rule}: ${settled.route.reason}` : undefined,
    cache: settled.cacheStatus,
    tokens: settled.usage,
    costUsd: settled.costUsd,
    latencyMs: Math.round(settled.latencyMs),
    attempts: settled.attempts.length,
    status: settled.httpStatus,
    outcome: settled.outcome,
    errorCode: settled.errorCode,
    warnings: settled.warnings.length > 0 ? settled.warnings : undefined,
  };
  if (settled.httpStatus >= 500) core.logger.error(line, 'request');
  else core.logger.info(line, 'request');
}
