import type { TracingConfig } from '../config/config-schema.js';
import type { Logger } from '../logging/create-logger.js';
import type { SettledRequest, SettleObserver } from '../stages/settle/settled-request.js';
import type { SpanExporter } from './export-settled-spans.js';

/** Trace export: a settle observer and its lifecycle. */
export interface Tracing {
  /** Add to the gateway's observers: each settled request becomes a request span and one span per attempt. */
  observer: SettleObserver;
  /**
   * Builds the spans of requests settled so far and sends every pending span; resolves when the
   * collector answered. Never rejects: a collector's refusal is logged (a trace is not worth a failure).
   */
  flush(): Promise<void>;
  /** Flushes, then stops the exporter. */
  close(): Promise<void>;
  /** Requests not traced because the queue was full (the collector is slow or down). */
  readonly droppedRequests: number;
}

/** Options for {@link createTracing}. */
export interface CreateTracingOptions {
  /** The `tracing:` section. */
  config: TracingConfig;
  logger: Logger;
  /** Where spans go instead of OTLP/HTTP (tests of the span shape); default the OTLP exporter. */
  exporter?: SpanExporter;
  /** Randomness for sampling (default `Math.random`). */
  random?: () => number;
}

/** Requests turned into spans per turn of the event loop (about 30 µs of CPU each, so about 2 ms a turn). */
const SPANS_PER_TURN = 64;

/** Export failures were already logged by the exporter wrapper; a caller has nothing more to do about them. */
function ignoreLogged(): void {}

/**
 * Optional OpenTelemetry trace export (`tracing.enabled`, off by default). Undefined when off, so that a
 * gateway without tracing neither loads the OpenTelemetry SDK nor pays anything per request. On, the
 * observer only samples and queues the settled request (it runs on the request path); spans are built
 * on the next turn of the event loop and sent in batches by the SDK's batch processor over OTLP/HTTP.
 */
export async function createTracing(options: CreateTracingOptions): Promise<Tracing | undefined> {
  const { config, logger } = options;
  if (!config.enabled) return undefined;
  // Loaded here, not at the top: the SDK costs start-up time that a gateway without tracing should not pay.
  const { createSpanExport } = await import('./export-settled-spans.js');
  const spans = createSpanExport({ config, logger, exporter: options.exporter });
  const random = options.random ?? Math.random;
  const maxPending = config.max_queue_size;
  const pending: SettledRequest[] = [];
  let scheduled = false;
  let droppedRequests = 0;

  const build = (count: number): void => {
    for (const settled of pending.splice(0, count)) spans.record(settled);
  };
  // A few dozen requests per turn of the event loop: a burst of thousands must not stall requests in flight.
  const drainSlice = (): void => {
    build(SPANS_PER_TURN);
    scheduled = pending.length > 0;
    if (scheduled) setImmediate(drainSlice);
  };
  const drainAll = (): void => build(pending.length);

  logger.info(
    {
      endpoint: config.endpoint ?? 'from OTEL_EXPORTER_OTLP_* or http://localhost:4318/v1/traces',
      sampleRatio: config.sample_ratio,
    },
    'tracing: exporting spans over OTLP/HTTP',
  );
  return {
    observer: {
      onSettled(settled) {
        if (config.sample_ratio < 1 && random() >= config.sample_ratio) return;
        if (pending.length >= maxPending) {
          droppedRequests++;
          return;
        }
        pending.push(settled);
        if (!scheduled) {
          scheduled = true;
          setImmediate(drainSlice);
        }
      },
    },
    async flush() {
      drainAll();
      await spans.flush().catch(ignoreLogged);
    },
    async close() {
      drainAll();
      await spans.shutdown().catch(ignoreLogged);
    },
    get droppedRequests() {
      return droppedRequests;
    },
  };
}
