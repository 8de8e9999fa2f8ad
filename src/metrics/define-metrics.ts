import { Counter, Gauge, type Registry } from 'prom-client';
import { SeriesCounter } from './series-counter.js';
import { SeriesHistogram } from './series-histogram.js';

/** Token kinds as the `gen_ai_token_type` label spells them. Input kinds never overlap; reasoning is part of output. */
export const TOKEN_TYPES = ['input_uncached', 'input_cache_read', 'input_cache_write', 'output', 'reasoning'] as const;

// Bucket boundaries follow the OpenTelemetry GenAI semantic conventions' advice for each instrument.
const TOKEN_BUCKETS = [1, 4, 16, 64, 256, 1_024, 4_096, 16_384, 65_536, 262_144, 1_048_576, 4_194_304];
const DURATION_BUCKETS = [0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92];
const TTFT_BUCKETS = [0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];
// The gateway's own time is meant to stay in single milliseconds; the buckets resolve that range.
const OVERHEAD_BUCKETS = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1];

/** Every metric the gateway exports, registered on one registry. */
export function defineMetrics(registry: Registry) {
  const registers = [registry];
  return {
    tokenUsage: new SeriesHistogram({
      name: 'gen_ai_client_token_usage',
      help: 'Tokens per request by type (gen_ai.client.token.usage): input_uncached, input_cache_read and input_cache_write never overlap; reasoning is the hidden share of output. Cache hits of the gateway spend none and are not recorded.',
      labelNames: ['gen_ai_operation_name', 'gen_ai_provider_name', 'gen_ai_response_model', 'gen_ai_token_type'],
      buckets: TOKEN_BUCKETS,
      registers,
    }),
    operationDuration: new SeriesHistogram({
      name: 'gen_ai_client_operation_duration_seconds',
      help: 'Time from a request arriving to its last byte (gen_ai.client.operation.duration), for requests that reached a provider; error_type is the gateway error code, empty on success.',
      labelNames: ['gen_ai_operation_name', 'gen_ai_provider_name', 'gen_ai_response_model', 'error_type'],
      buckets: DURATION_BUCKETS,
      registers,
    }),
    timeToFirstToken: new SeriesHistogram({
      name: 'gen_ai_server_time_to_first_token_seconds',
      help: 'Time from an upstream attempt starting to its first output part, for streamed answers (gen_ai.server.time_to_first_token).',
      labelNames: ['gen_ai_operation_name', 'gen_ai_provider_name', 'gen_ai_response_model'],
      buckets: TTFT_BUCKETS,
      registers,
    }),
    requests: new SeriesCounter({
      name: 'tollgate_requests_total',
      help: 'Chat requests by deciding route rule (cache for gateway cache hits, none when no route was chosen), serving provider and model, HTTP status and outcome.',
      labelNames: ['route_rule', 'provider', 'model', 'status', 'outcome'],
      registers,
    }),
    overhead: new SeriesHistogram({
      name: 'tollgate_overhead_seconds',
      help: 'Time the gateway itself added to a request: its latency minus the time spent waiting on providers.',
      labelNames: [],
      buckets: OVERHEAD_BUCKETS,
      registers,
    }),
    cost: new SeriesCounter({
      name: 'tollgate_cost_usd_total',
      help: 'What requests cost in USD, every attempt included. Tenants and features beyond the configured bound are folded into "other".',
      labelNames: ['tenant', 'feature', 'model'],
      registers,
    }),
    baselineCost: new SeriesCounter({
      name: 'tollgate_baseline_cost_usd_total',
      help: 'What the same requests would have cost on the baseline model with no cache of any kind, in USD. Savings are this minus tollgate_cost_usd_total (a counter cannot hold savings: a request can cost more than its baseline).',
      labelNames: ['tenant', 'feature', 'model'],
      registers,
    }),
    unpriced: new SeriesCounter({
      name: 'tollgate_unpriced_requests_total',
      help: 'Requests served by a model without a price: their cost is recorded as 0 and must be read as unknown.',
      labelNames: ['provider', 'model'],
      registers,
    }),
    cacheRequests: new SeriesCounter({
      name: 'tollgate_cache_requests_total',
      help: "What the gateway's answer cache did per request: hit-exact, hit-semantic, miss, or bypass (cache off, excluded or not applicable).",
      labelNames: ['status'],
      registers,
    }),
    attempts: new SeriesCounter({
      name: 'tollgate_attempts_total',
      help: 'Upstream attempts by deployment and result; error_type is the gateway error code, empty on success.',
      labelNames: ['provider', 'model', 'outcome', 'error_type'],
      registers,
    }),
    retries: new SeriesCounter({
      name: 'tollgate_retries_total',
      help: 'Attempts that repeated the previous attempt on the same deployment.',
      labelNames: ['provider', 'model'],
      registers,
    }),
    fallbacks: new SeriesCounter({
      name: 'tollgate_fallbacks_total',
      help: 'Times a request moved on from this deployment to the next one in its fallback chain.',
      labelNames: ['provider', 'model'],
      registers,
    }),
    breakerState: new Gauge({
      name: 'tollgate_circuit_breaker_state',
      help: 'Circuit breaker per deployment: 0 closed, 1 half-open, 2 open.',
      labelNames: ['deployment'],
      registers,
    }),
    queueDepth: new Gauge({
      name: 'tollgate_queue_depth',
      help: "Requests waiting for a slot in an endpoint's concurrency queue, on this instance.",
      labelNames: ['endpoint'],
      registers,
    }),
    inFlight: new Gauge({
      name: 'tollgate_endpoint_in_flight',
      help: "Requests holding one of an endpoint's concurrency slots, on this instance.",
      labelNames: ['endpoint'],
      registers,
    }),
    budgetUtilisation: new Gauge({
      name: 'tollgate_budget_utilisation_ratio',
      help: 'Spent and held over the limit, per budget in its current window (1 = exhausted).',
      labelNames: ['budget', 'scope'],
      registers,
    }),
    budgetSpent: new Gauge({
      name: 'tollgate_budget_spent_usd',
      help: 'USD spent in the current window, per budget.',
      labelNames: ['budget', 'scope'],
      registers,
    }),
    budgetLimit: new Gauge({
      name: 'tollgate_budget_limit_usd',
      help: 'The hard limit in USD per window, per budget.',
      labelNames: ['budget', 'scope'],
      registers,
    }),
    guardEvents: new Counter({
      name: 'tollgate_guard_events_total',
      help: 'What the attempt guard did since start, by event: breaker_opening, breaker_skip (attempt refused by an open breaker), rate_limit_wait, rate_limit_skip, queue_skip.',
      labelNames: ['event'],
      registers,
    }),
    stateUp: new Gauge({
      name: 'tollgate_state_up',
      help: '1 when the last scrape could read breakers, queues and budgets from the shared state, else 0.',
      registers,
    }),
    ledgerPendingBytes: new Gauge({
      name: 'tollgate_ledger_pending_journal_bytes',
      help: 'Journal bytes recorded but not yet in the ledger store (grows while the store is unreachable).',
      registers,
    }),
    ledgerHeldEntries: new Gauge({
      name: 'tollgate_ledger_held_entries',
      help: 'Ledger entries held in memory because the journal could not be written.',
      registers,
    }),
    ledgerEvents: new Counter({
      name: 'tollgate_ledger_events_total',
      help: 'Ledger trouble since start, by event: store_failure (retried from the journal), set_aside (refused for good), lost (kept nowhere; should stay 0).',
      labelNames: ['event'],
      registers,
    }),
  };
}

/** The metrics of {@link defineMetrics}. */
export type GatewayMetrics = ReturnType<typeof defineMetrics>;
