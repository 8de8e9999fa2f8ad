import type { IncomingMessage, ServerResponse } from 'node:http';
import { requireMasterKey } from '../keys/require-master-key.js';
import { sendJson } from '../stages/respond/write-response.js';
import type { ManagedBudgetLayer } from './create-budget-layer.js';

/**
 * `GET /admin/budgets`: every budget instance this gateway has seen recently, with spend, holds,
 * utilisation, level and reset time (the numbers come from the shared state, so they are global).
 */
export function createBudgetAdminHandler(options: {
  budgets: ManagedBudgetLayer;
  masterKey: () => string | undefined;
}): (request: IncomingMessage, response: ServerResponse) => Promise<void> {
  return async (request, response) => {
    requireMasterKey(request, options.masterKey());
    const snapshot = await options.budgets.snapshot();
    sendJson({
      response,
      status: 200,
      body: {
        data: snapshot.map((budget) => ({
          name: budget.name,
          scope: budget.scope,
          subject: budget.subject,
          limit_usd: budget.limitUsd,
          spent_usd: budget.spentUsd,
          held_usd: budget.heldUsd,
          utilisation: budget.utilisation,
          level: budget.level,
          resets_at: budget.resetsAt,
        })),
      },
      headers: { 'cache-control': 'no-store' },
    });
  };
}
