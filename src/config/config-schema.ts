import { z } from 'zod';

/**
 * The kinds of task a tier may be restricted to (the seeds' allow-list for small open models:
 * sentiment, NER/extraction, classification, translation), in a stable order.
 */
export const TASK_TYPES = [
  'classification',
  'extraction',
  'sentiment',
  'translation',
  'summarisation',
  'code',
  'open-reasoning',
  'chat',
] as const;

/** Names usable as identifiers in config, metrics labels and deployment ids. */
const identifier = z
  .string()
  .regex(/^[a-z0-9][a-z0-9._-]*$/i, 'use letters, digits, ".", "_" or "-", starting with a letter or digit');

const timeoutsSchema = z
  .object({
    /** Time to open a connection. */
    connect_ms: z.number().int().positive().default(5_000),
    /** Time to the response headers. */
    first_byte_ms: z.number().int().positive().default(60_000),
    /** Longest silence mid-body. */
    idle_ms: z.number().int().positive().default(30_000),
  })
  .strict();

const pricingSchema = z
  .object({
    input_per_mtok: z.number().nonnegative(),
    output_per_mtok: z.number().nonnegative(),
    cache_read_per_mtok: z.number().nonnegative().optional(),
    cache_write_per_mtok: z.number().nonnegative().optional(),
    cache_write_1h_per_mtok: z.number().nonnegative().optional(),
  })
  .strict();

export const CAPABILITIES = ['tools', 'vision', 'json_mode', 'streaming', 'embeddings', 'reasoning'] as const;

const modelSchema = z
  .object({
    /** The name clients use (and the provider's, unless `upstream` says otherwise). */
    name: z.string().min(1),
    /** The model name at the provider. */
    upstream: z.string().min(1).optional(),
    /** Price this model like a catalogue model (e.g. a simulated or self-hosted stand-in). */
    price_as: z.string().min(1).optional(),
    /** Explicit prices in USD per million tokens; override the catalogue. */
    pricing: pricingSchema.optional(),
    /** What the model can do; a request needing a capability never goes to a model without it. */
    capabilities: z.array(z.enum(CAPABILITIES)).default(['tools', 'json_mode', 'streaming']),
    /** Context window in tokens. */
    context_window: z.number().int().positive().optional(),
  })
  .strict();

const limitsSchema = z
  .object({
    rpm: z.number().int().positive().optional(),
    tpm: z.number().int().positive().optional(),
    max_concurrency: z.number().int().positive().optional(),
    queue_size: z.number().int().nonnegative().default(100),
    queue_timeout_ms: z.number().int().positive().default(30_000),
    /** Output speed floor: below it (EWMA of tokens per second) the router demotes the endpoint until it recovers. */
    min_output_tokens_per_second: z.number().positive().optional(),
  })
  .strict();

const costOfOwnershipSchema = z
  .object({
    hardware_usd: z.number().nonnegative(),
    amortisation_months: z.number().positive(),
    watts: z.number().nonnegative(),
    usd_per_kwh: z.number().nonnegative(),
    /** Share of the time the machine does useful work (0–1]. */
    utilisation: z.number().positive().max(1).default(0.5),
    /** Expected output tokens per second, to turn time into tokens. */
    tokens_per_second: z.number().positive(),
  })
  .strict();

const faultSchema = z
  .object({
    kind: z.enum(['rate_limit', 'server_error', 'overloaded', 'reset', 'timeout', 'cut_stream', 'malformed']),
    /** Probability (0–1) that a request gets this fault. */
    probability: z.number().min(0).max(1),
    /** For `rate_limit`: the retry-after to send, in seconds. */
    retry_after_s: z.number().nonnegative().optional(),
  })
  .strict();

const simulationSchema = z
  .object({
    /** Wire protocol the simulated provider speaks. */
    protocol: z.enum(['openai', 'anthropic']).default('openai'),
    /** Time to first token in ms. */
    ttft_ms: z.number().nonnegative().default(20),
    /** Output speed. */
    tokens_per_second: z.number().positive().default(400),
    /** Default answer length in tokens when the request sets no limit. */
    output_tokens: z.number().int().positive().default(60),
    /** Faults to inject. */
    faults: z.array(faultSchema).default([]),
  })
  .strict();

export const PROVIDER_KINDS = ['openai', 'anthropic', 'openai-compatible', 'simulated'] as const;
export const COMPATIBLE_PRESETS = ['deepseek', 'openrouter', 'groq', 'together', 'vllm', 'llamacpp', 'ollama'] as const;

const providerSchema = z
  .object({
    name: identifier,
    kind: z.enum(PROVIDER_KINDS),
    /** For `openai-compatible`: a known server's defaults (base URL, quirks). */
    preset: z.enum(COMPATIBLE_PRESETS).optional(),
    base_url: z.string().url().optional(),
    /** Name of the environment variable holding the API key. Keys never live in this file. */
    api_key_env: z
      .string()
      .regex(/^[A-Z_][A-Z0-9_]*$/, 'must be an environment variable name')
      .optional(),
    headers: z.record(z.string(), z.string()).default({}),
    location: z.enum(['cloud', 'local']).default('cloud'),
    /** May take `x-tollgate-data-residency: local` traffic (defaults to true for local endpoints). */
    data_residency: z.boolean().optional(),
    timeouts: timeoutsSchema.prefault({}),
    limits: limitsSchema.prefault({}),
    cost_of_ownership: costOfOwnershipSchema.optional(),
    simulation: simulationSchema.optional(),
    models: z.array(modelSchema).min(1, 'list at least one model'),
  })
  .strict()
  .superRefine((provider, context) => {
    if (provider.kind === 'openai-compatible' && !provider.base_url && !provider.preset) {
      context.addIssue({ code: 'custom', path: ['base_url'], message: 'openai-compatible needs base_url or preset' });
    }
  });

const tierSchema = z
  .object({
    /** Deployments as `provider/model`, in fallback order. */
    deployments: z.array(z.string().regex(/^[^/]+\/.+$/, 'use provider/model')).min(1),
    /** Expected quality, 0–1, used by the router. */
    quality: z.number().min(0).max(1).optional(),
    /** Output cap injected when the client asks for more or nothing. */
    max_output_tokens: z.number().int().positive().optional(),
    /** Task types this tier may take (the seeds' allow-list for small models); all when absent. */
    task_types: z.array(z.enum(TASK_TYPES)).optional(),
    /** A system message put first on this tier (e.g. an explicit length directive for a small model). */
    system_prompt: z.string().min(1).optional(),
    /** Stop sequences used when the client gives none. */
    stop: z.array(z.string().min(1)).min(1).max(4).optional(),
    /** Answer format when the client asks for none: `json_object` turns JSON mode on. */
    response_format: z.enum(['text', 'json_object']).optional(),
    /**
     * Cascade: when this tier's (non-streamed) answer fails a check — invalid JSON where JSON was
     * asked for, a refusal, an empty or truncated answer — the request is asked again on this tier.
     * Both attempts are recorded and paid for.
     */
    escalate_to: identifier.optional(),
  })
  .strict();

const routingSchema = z
  .object({
    /** Tiers from cheapest to strongest; `auto` picks among them. Default: config order of `tiers`. */
    tier_order: z.array(identifier).optional(),
    /** `heuristic` (features with weights) or `learned` (a router.json from `tollgate router fit`). */
    classifier: z.enum(['heuristic', 'learned']).default('heuristic'),
    /** Path of the learned router's model file. */
    learned_model: z.string().optional(),
    /** Heuristic feature weights (see src/routing/classify/complexity-weights.ts). */
    weights: z.record(z.string(), z.number()).default({}),
    /** Complexity thresholds: a score below `thresholds[i]` goes to tier i of `tier_order`; above all, the last tier. */
    thresholds: z.array(z.number().min(0).max(1)).default([0.35, 0.65]),
    /** The single cost–quality knob for the learned router: the quality to reach at the lowest cost (0–1). */
    target_quality: z.number().min(0).max(1).default(0.8),
    /** How far the target drops as a budget burns from fallback_at to throttle_at (smoothly). */
    budget_quality_relief: z.number().min(0).max(1).default(0.2),
    /** Shadow mode: on a sample of requests, also ask another route; both outcomes go to the ledger. */
    shadow: z
      .object({
        /** Share of answered requests (0–1) that are shadowed. */
        sample: z.number().min(0).max(1).default(0),
        /** Model, tier or alias the shadow request goes to. */
        route: z.string().min(1).optional(),
        /** A tier that judges both answers (LLM-as-judge); its scores become feedback on both requests. */
        judge_tier: identifier.optional(),
      })
      .strict()
      .prefault({})
      .refine((shadow) => shadow.sample === 0 || shadow.route !== undefined, {
        message: 'a shadow sample needs a route',
        path: ['route'],
      }),
    /** Learning from the gateway's own traffic (`router fit --ledger`, retraining on feedback). */
    learning: z
      .object({
        /** JSONL file keeping the prompt of each answered request, joined with the ledger by request id. */
        prompt_log: z.string().optional(),
        /** JSONL file of the outcomes learnt in service (feedback, judge scores, cascade rejections). */
        outcome_log: z.string().default('./.tollgate/router-outcomes.jsonl'),
        /** Refit the learned router after this many new outcomes (feedback or judge scores). */
        retrain_every: z.number().int().positive().optional(),
        /** Outcome files (RouterBench CSV or outcome JSONL) every refit starts from. */
        base_data: z.array(z.string()).default([]),
        /** YAML or JSON mapping of the base data's models to tiers. */
        models_map: z.string().optional(),
      })
      .strict()
      .prefault({}),
  })
  .strict();

const serverSchema = z
  .object({
    host: z.string().default('127.0.0.1'),
    port: z.number().int().min(0).max(65_535).default(4000),
    /** Largest accepted request body. */
    max_body_bytes: z
      .number()
      .int()
      .positive()
      .default(4 * 1024 * 1024),
    /** Environment variable holding the master key for /admin and the dashboard. */
    master_key_env: z.string().default('TOLLGATE_MASTER_KEY'),
    /** Reject prompts with more input tokens than this (before any spend). */
    max_input_tokens: z.number().int().positive().optional(),
    /** Retries per deployment on retryable errors, before the next deployment. */
    max_retries: z.number().int().nonnegative().default(1),
  })
  .strict();

const storageSchema = z
  .object({
    /** Where the ledger lives. */
    ledger: z.enum(['sqlite', 'postgres', 'off']).default('sqlite'),
    /** SQLite file. */
    sqlite_path: z.string().default('./.tollgate/ledger.db'),
    /** Environment variable with the PostgreSQL connection string. */
    postgres_url_env: z.string().default('TOLLGATE_POSTGRES_URL'),
    /** `memory` (one instance) or a `redis://` URL shared between instances. */
    shared_state: z
      .string()
      .regex(/^(memory|rediss?:\/\/.+)$/, 'use memory or a redis:// URL')
      .default('memory'),
    /** Prefix of every Redis key, so that several gateways (or tests) can share one Redis. */
    shared_state_prefix: z.string().min(1).default('tollgate:'),
  })
  .strict();

/** A duration such as `90s`, `15m`, `6h` or `7d`. */
const durationText = z.string().regex(/^\d+(\.\d+)?(ms|s|m|h|d)$/, 'use a duration like 30s, 15m, 6h or 7d');

const budgetSchema = z
  .object({
    /** Shown in errors, headers and webhooks (default: `scope:match/window`). */
    name: identifier.optional(),
    /** What the budget counts: all traffic, or one tenant, virtual key or feature. */
    scope: z.enum(['global', 'tenant', 'key', 'feature']),
    /** The tenant, key id or feature; `*` gives each one its own budget. Ignored for `global`. */
    match: z.string().min(1).default('*'),
    /** The hard limit in USD per window. */
    limit_usd: z.number().positive(),
    /** Calendar day or month (UTC), or a fixed window such as `{ custom: 6h }`. */
    window: z.union([z.enum(['day', 'month']), z.object({ custom: durationText }).strict()]).default('day'),
    /** From this share of the limit the router prefers cheaper tiers. */
    fallback_at: z.number().gt(0).max(1).default(0.8),
    /** From this share only interactive traffic passes, on the cheapest tier. */
    throttle_at: z.number().gt(0).max(1).default(0.95),
    /** Receives a JSON POST once per threshold crossing (fallback, throttle, limit) per window. */
    webhook_url: z.string().url().optional(),
  })
  .strict()
  .refine((budget) => budget.fallback_at <= budget.throttle_at, {
    message: 'fallback_at must not be above throttle_at',
    path: ['fallback_at'],
  });

const contextManagementSchema = z
  .object({
    /** `off`; `window` keeps the last messages; `summarise` replaces older turns with a summary. */
    mode: z.enum(['off', 'window', 'summarise']).default('off'),
    /** Only conversations with more input tokens than this are touched. */
    trigger_tokens: z.number().int().positive().default(8_000),
    /** Messages kept verbatim (system messages are always kept). */
    keep_last_messages: z.number().int().positive().default(20),
    /** Output cap of the summary. */
    summary_max_tokens: z.number().int().positive().default(512),
    /** Tier that writes summaries (default: the first, by convention cheapest, tier). */
    summary_tier: identifier.optional(),
  })
  .strict();

const breakerSchema = z
  .object({
    /** Failures over requests in the window that open the breaker. */
    failure_ratio: z.number().gt(0).max(1).default(0.5),
    /** Sliding window over which the ratio is measured. */
    window_ms: z.number().int().positive().default(30_000),
    /** No decision on fewer requests than this in the window. */
    min_requests: z.number().int().positive().default(10),
    /** How long an open breaker refuses before letting probes through (half-open). */
    cooldown_ms: z.number().int().positive().default(15_000),
    /** Concurrent probe requests allowed while half-open. */
    half_open_probes: z.number().int().positive().default(1),
  })
  .strict();

const resilienceSchema = z
  .object({
    /** Circuit breaker per deployment. */
    breaker: breakerSchema.prefault({}),
    /** Weight of the newest observation in the latency and speed averages (EWMA). */
    latency_ewma_alpha: z.number().gt(0).max(1).default(0.2),
    /** A budget hold not settled within this time is dropped, so a crashed instance cannot block a budget. */
    reservation_lease_ms: z
      .number()
      .int()
      .positive()
      .default(15 * 60_000),
  })
  .strict();

const exactCacheSchema = z
  .object({
    /** Serve a repeated request (same canonical hash, same tenant) from the cache. */
    enabled: z.boolean().default(true),
    /** How long an answer is served, in seconds. */
    ttl_s: z.number().int().positive().default(3_600),
    /** Most answers held in memory (least recently used evicted); with Redis, TTL and Redis's own policy bound it. */
    max_entries: z.number().int().positive().default(10_000),
  })
  .strict();

const semanticCacheSchema = z
  .object({
    /** Serve a paraphrase from the cache when the semantic engine (and its verifier) says it means the same. */
    enabled: z.boolean().default(false),
    /** Cosine similarity where every cluster of queries starts; feedback moves it per cluster. */
    threshold: z.number().gt(0).max(1).default(0.9),
    ttl_s: z.number().int().positive().default(3_600),
    max_entries: z.number().int().positive().default(10_000),
    /** Also conversations (the earlier turns must then match exactly); single-turn only by default. */
    multi_turn: z.boolean().default(false),
    /** Requests sampling hotter than this want variety: no semantic cache (exact still applies). */
    max_temperature: z.number().min(0).default(1),
    /** `local` (in-process model, no network) or `provider:<provider>/<model>` (an embeddings deployment). */
    embedder: z
      .string()
      .regex(/^(local|provider:[^/]+\/.+)$/, 'use local or provider:<provider>/<model>')
      .default('local'),
    /** Vector length of a provider embedder (e.g. 1536 for text-embedding-3-small). */
    embedding_dimensions: z.number().int().positive().optional(),
    /** Extra case-insensitive regular expressions; matching prompts never enter the semantic cache. */
    exclude_patterns: z
      .array(
        z.string().refine((source) => {
          try {
            new RegExp(source, 'i');
            return true;
          } catch {
            return false;
          }
        }, 'not a valid regular expression'),
      )
      .default([]),
    /** The same tenant (and end user) asking a similar question this soon after a semantic hit counts against the hit. */
    refinement_window_s: z.number().positive().default(120),
    /** The check after retrieval that a near neighbour asks the same thing (docs/caching.md). */
    verifier: z
      .object({
        /** `learned`: hard checks, then the shipped pair classifier. `rules`: the hand-written rules alone. `off`: similarity only. */
        mode: z.enum(['learned', 'rules', 'off']).default('learned'),
        /**
         * Learned mode: least probability of "same question" to serve a candidate (default: the model's
         * cross-validated operating point, ~0.94). Lower serves more paraphrases and more wrong answers.
         */
        min_probability: z.number().min(0).max(1).optional(),
      })
      .strict()
      .prefault({}),
  })
  .strict()
  .superRefine((semantic, context) => {
    if (semantic.embedder.startsWith('provider:') && semantic.embedding_dimensions === undefined) {
      context.addIssue({
        code: 'custom',
        path: ['embedding_dimensions'],
        message: 'a provider embedder needs embedding_dimensions',
      });
    }
  });

const prefixCacheSchema = z
  .object({
    /** Place Anthropic `cache_control` breakpoints (other providers cache prefixes on their own). */
    enabled: z.boolean().default(true),
    /** Marks the end of a stable prefix in the system prompt or first user message; removed before sending. */
    delimiter: z.string().min(1).default('---CACHE_BREAK---'),
    /** Lifetime of the breakpoints the gateway places. */
    ttl: z.enum(['5m', '1h']).default('5m'),
    /** Also mark the newest user turn of a conversation, so that the next turn reads the history from the cache. */
    conversation: z.boolean().default(true),
  })
  .strict();

const cacheSchema = z
  .object({
    /** Answer caching (exact, and semantic where enabled). Off unless asked for, as in LiteLLM and Portkey. */
    enabled: z.boolean().default(false),
    exact: exactCacheSchema.prefault({}),
    semantic: semanticCacheSchema.prefault({}),
    /** Provider prefix caching; independent of `enabled` (it never changes an answer). */
    prefix: prefixCacheSchema.prefault({}),
  })
  .strict();

/** The batch lane: OpenAI Batch and Anthropic Message Batches, run at low priority (docs/batch.md). */
const batchSchema = z
  .object({
    /** Serve /v1/files, /v1/batches and /v1/messages/batches. */
    enabled: z.boolean().default(true),
    /** Largest accepted batch input file; an upload is held in memory while it is checked. */
    max_file_bytes: z.number().int().positive().default(52_428_800),
    /** Most request lines in one batch. */
    max_lines: z.number().int().positive().default(50_000),
    /** Lines in flight at once while no interactive request is. */
    concurrency: z.number().int().positive().default(4),
    /** Lines kept in flight however busy interactive traffic is; 0 lets interactive traffic pause batches. */
    min_concurrency: z.number().int().nonnegative().default(1),
    /** Tries per line on retryable failures (429, 5xx, timeouts) before its error is reported. */
    max_attempts: z.number().int().positive().default(3),
    /** How often the runner looks for work, budget room, expiry and batches abandoned by a stopped instance. */
    poll_interval_ms: z.number().int().positive().default(1_000),
    /** How long an instance owns a batch between renewals; a batch whose owner died resumes after this. */
    lease_ms: z.number().int().positive().default(30_000),
    /** A single `x-tollgate-priority: batch` request waits at most this long for capacity or budget room. */
    queue_timeout_ms: z.number().int().positive().default(60_000),
    /** The job store's SQLite file (default: batches.db beside storage.sqlite_path); PostgreSQL when storage.ledger is postgres. */
    sqlite_path: z.string().optional(),
    /** Lines routed to a provider with a batch API (OpenAI, Anthropic, simulated) go through it, at batch prices. */
    provider_batches: z
      .object({
        enabled: z.boolean().default(true),
        /** How often submitted provider batches are polled. */
        poll_interval_ms: z.number().int().positive().default(30_000),
        /** Simulated providers' batch API finishes a batch this long after it was submitted. */
        simulated_completion_ms: z.number().int().nonnegative().default(5_000),
      })
      .strict()
      .prefault({}),
  })
  .strict();

/** Prometheus metrics (`GET /metrics`, docs/observability.md). */
const metricsSchema = z
  .object({
    /** Distinct tenants exported as labels; later ones fold into `other` (tenants come from client headers). */
    max_tenants: z.number().int().nonnegative().default(50),
    /** Distinct features exported as labels; later ones fold into `other` (default: max_tenants). */
    max_features: z.number().int().nonnegative().optional(),
  })
  .strict();

/** Optional OpenTelemetry trace export over OTLP/HTTP (JSON), with GenAI semantic-convention attributes. */
const tracingSchema = z
  .object({
    /** Off by default: nothing is loaded or sent unless this is true. */
    enabled: z.boolean().default(false),
    /** OTLP/HTTP traces URL (default: OTEL_EXPORTER_OTLP_TRACES_ENDPOINT, OTEL_EXPORTER_OTLP_ENDPOINT + /v1/traces, else http://localhost:4318/v1/traces). Headers come from OTEL_EXPORTER_OTLP_HEADERS. */
    endpoint: z.string().url().optional(),
    /** `service.name` of the exported resource. */
    service_name: z.string().min(1).default('tollgate'),
    /** Share of requests traced (0-1), decided per request. */
    sample_ratio: z.number().min(0).max(1).default(1),
    /** Spans are sent in batches at most this far apart. */
    export_interval_ms: z.number().int().positive().default(5_000),
    /** Spans waiting for export; beyond it new ones are dropped (a collector outage must not grow memory). */
    max_queue_size: z.number().int().positive().default(2_048),
    /** One export request gives up after this. */
    export_timeout_ms: z.number().int().positive().default(10_000),
  })
  .strict();

/** The whole configuration file. Sections are added by the layers that read them. */
export const configSchema = z
  .object({
    server: serverSchema.prefault({}),
    storage: storageSchema.prefault({}),
    providers: z.array(providerSchema).default([]),
    tiers: z.record(identifier, tierSchema).default({}),
    /** Extra names for one or more deployments, tried in order. */
    aliases: z
      .record(z.string().min(1), z.array(z.string().regex(/^[^/]+\/.+$/, 'use provider/model')).min(1))
      .default({}),
    /** The model whose price is the counterfactual for savings (`provider/model`). */
    baseline: z.string().optional(),
    /** Per-model price overrides by catalogue model name, USD per million tokens. */
    pricing: z.record(z.string(), pricingSchema).default({}),
    /** Spend limits per global / tenant / key / feature and window. */
    budgets: z.array(budgetSchema).default([]),
    /** How `model: "auto"` chooses a tier. */
    routing: routingSchema.prefault({}),
    /** Trimming or summarising long conversations (off by default). */
    context_management: contextManagementSchema.prefault({}),
    /** Circuit breakers, averages and budget holds. */
    resilience: resilienceSchema.prefault({}),
    /** Answer caches (exact, semantic) and provider prefix caching. */
    cache: cacheSchema.prefault({}),
    /** Batch jobs and batch-priority requests. */
    batch: batchSchema.prefault({}),
    /** Prometheus label bounds. */
    metrics: metricsSchema.prefault({}),
    /** OTLP trace export (off by default). */
    tracing: tracingSchema.prefault({}),
  })
  .strict();

/** Parsed, defaulted configuration as the file states it. */
export type ConfigFile = z.infer<typeof configSchema>;
/** One provider section. */
export type ProviderConfig = ConfigFile['providers'][number];
/** One model of a provider. */
export type ModelConfig = ProviderConfig['models'][number];
/** One tier. */
export type TierConfig = ConfigFile['tiers'][string];
/** Prices in USD per million tokens. */
export type PricingConfig = z.infer<typeof pricingSchema>;
/** Simulation settings. */
export type SimulationConfig = z.infer<typeof simulationSchema>;
/** One budget. */
export type BudgetConfig = ConfigFile['budgets'][number];
/** Context management settings. */
export type ContextManagementConfig = ConfigFile['context_management'];
/** Circuit breaker settings. */
export type BreakerConfig = ConfigFile['resilience']['breaker'];
/** Provider limits (rate, concurrency, queue). */
export type LimitsConfig = ProviderConfig['limits'];
/** Answer and prefix cache settings. */
export type CacheConfig = ConfigFile['cache'];
/** Batch lane settings. */
export type BatchConfig = ConfigFile['batch'];
/** The `metrics:` section. */
export type MetricsConfig = ConfigFile['metrics'];
/** The `tracing:` section. */
export type TracingConfig = ConfigFile['tracing'];
