import type { IncomingHttpHeaders } from 'node:http';
import type { GatewayCore } from '../gateway/gateway-core.js';
import type { RequestContext } from '../gateway/request-context.js';
import type { ClientProtocol } from '../protocols/client-protocol.js';
import { openAiProtocol } from '../protocols/openai/openai-protocol.js';
import { authenticate } from '../stages/auth/authenticate.js';
import type { BudgetState } from '../stages/budget/budget-layer.js';
import { parseDirectives } from '../stages/parse/parse-directives.js';

/** Budget levels at which batch work waits (the budgets layer refuses batch traffic from `throttle` on). */
export function isBudgetClosedToBatch(state: BudgetState): boolean {
  return state.level === 'throttle' || state.level === 'exhausted';
}

/**
 * A request context with the attribution a request with these headers would get (tenant from the
 * virtual key, else the header), for asking the budgets layer about it before sending it. Undefined
 * when the headers would be refused anyway (bad key, bad header): the request then fails by itself.
 */
export function contextForHeaders(
  core: GatewayCore,
  headers: IncomingHttpHeaders,
  options: { protocol?: ClientProtocol; requestId?: string } = {},
): RequestContext | undefined {
  try {
    const caller = authenticate({ headers, masterKey: core.masterKey, keys: core.keys });
    const directives = parseDirectives(headers);
    if (caller.tenant) directives.tenant = caller.tenant;
    return {
      requestId: options.requestId ?? 'batch-budget-check',
      startedAt: performance.now(),
      startedAtEpochMs: Date.now(),
      protocol: options.protocol ?? openAiProtocol,
      directives,
      keyId: caller.keyId,
      warnings: [],
      abort: new AbortController(),
      upstreamMs: 0,
    };
  } catch {
    return undefined;
  }
}

/** Whether batch work with these headers may run now: no applicable budget is past its throttle threshold. */
export async function hasBudgetRoom(core: GatewayCore, headers: IncomingHttpHeaders): Promise<boolean> {
  const context = contextForHeaders(core, headers);
  if (!context) return true;
  return !isBudgetClosedToBatch(await core.budgets.state(context));
}
