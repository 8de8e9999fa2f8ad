import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { type ExportResult, ExportResultCode } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  AlwaysOnSampler,
  BatchSpanProcessor,
  type ReadableSpan,
  type SpanExporter,
  TracerProvider,
} from '@opentelemetry/sdk-trace';
import type { TracingConfig } from '../config/config-schema.js';
import type { Logger } from '../logging/create-logger.js';
import { scrubSecrets } from '../logging/create-logger.js';
import type { SettledRequest } from '../stages/settle/settled-request.js';
import { attemptSpanAttributes, OPERATION_NAME, requestSpanAttributes } from './to-span-attributes.js';

export type { SpanExporter };

/** What {@link createTracing} drives: spans from settled requests, and the exporter's lifecycle. */
export interface SpanExport {
  /** Records a settled request as a request span with one child span per upstream attempt. */
  record(settled: SettledRequest): void;
  /** Sends every span recorded so far. */
  flush(): Promise<void>;
  /** Sends what is left and stops. */
  shutdown(): Promise<void>;
}

/** A failing collector is reported at most this often, not once per batch. */
const FAILURE_LOG_INTERVAL_MS = 60_000;

/** Wraps an exporter so that failed exports reach the gateway's log (the SDK's own error handler is silent). */
function reportingFailures(exporter: SpanExporter, logger: Logger): SpanExporter {
  let lastLoggedAt = Number.NEGATIVE_INFINITY;
  let failedSince = 0;
  return {
    export(spans: ReadableSpan[], done: (result: ExportResult) => void) {
      exporter.export(spans, (result) => {
        if (result.code === ExportResultCode.FAILED) {
          failedSince += spans.length;
          const now = Date.now();
          if (now - lastLoggedAt >= FAILURE_LOG_INTERVAL_MS) {
            lastLoggedAt = now;
            logger.warn(
              { err: result.error, spans: failedSince },
              'tracing: the OTLP collector did not take the spans (dropped)',
            );
            failedSince = 0;
          }
        }
        done(result);
      });
    },
    shutdown: () => exporter.shutdown(),
    forceFlush: () => exporter.forceFlush?.() ?? Promise.resolve(),
  };
}

/**
 * The OpenTelemetry SDK behind {@link createTracing}: a tracer provider with the `service.name`
 * resource, a batch processor bounded by `max_queue_size`, and the OTLP/HTTP (JSON) exporter. Spans
 * carry the request's real start and end times, so they are built after the fact.
 */
export function createSpanExport(options: {
  config: TracingConfig;
  logger: Logger;
  exporter?: SpanExporter;
}): SpanExport {
  const { config, logger } = options;
  const exporter =
    options.exporter ??
    new OTLPTraceExporter({
      ...(config.endpoint === undefined ? {} : { url: config.endpoint }),
      timeoutMillis: config.export_timeout_ms,
    });
  const provider = new TracerProvider({
    resource: resourceFromAttributes({ 'service.name': config.service_name }),
    // Sampling is decided per request before anything is built (createTracing), so every span made is kept.
    sampler: new AlwaysOnSampler(),
    spanProcessors: [
      new BatchSpanProcessor({
        exporter: reportingFailures(exporter, logger),
        maxQueueSize: config.max_queue_size,
        maxExportBatchSize: Math.min(512, config.max_queue_size),
        scheduledDelayMillis: config.export_interval_ms,
        exportTimeoutMillis: config.export_timeout_ms,
      }),
    ],
  });
  const tracer = provider.getTracer('tollgate');

  return {
    record(settled) {
      const startTime = new Date(settled.startedAtEpochMs);
      const endTime = new Date(settled.startedAtEpochMs + Math.max(0, settled.latencyMs));
      const span = tracer.startSpan(
        `${OPERATION_NAME} ${settled.requestedModel ?? 'unknown'}`,
        { kind: SpanKind.SERVER, startTime, attributes: requestSpanAttributes(settled) },
        ROOT_CONTEXT,
      );
      // A server span is in error on 5xx only: a 4xx is the client's mistake, answered correctly.
      if (settled.httpStatus >= 500) {
        span.setStatus({ code: SpanStatusCode.ERROR, message: settled.errorCode ?? `HTTP ${settled.httpStatus}` });
      }
      const parent = trace.setSpan(ROOT_CONTEXT, span);
      for (const [index, attempt] of settled.attempts.entries()) {
        const child = tracer.startSpan(
          `${OPERATION_NAME} ${attempt.deployment.upstreamModel}`,
          {
            kind: SpanKind.CLIENT,
            startTime: new Date(attempt.startedAtEpochMs),
            attributes: attemptSpanAttributes(attempt, index),
          },
          parent,
        );
        if (attempt.error) {
          child.setStatus({ code: SpanStatusCode.ERROR, message: scrubSecrets(attempt.error.message) });
        }
        child.end(new Date(attempt.startedAtEpochMs + Math.max(0, attempt.latencyMs)));
      }
      span.end(endTime);
    },
    flush: () => provider.forceFlush(),
    shutdown: () => provider.shutdown(),
  };
}
