import type { SettledRequest, SettleObserver } from '../stages/settle/settled-request.js';
import { BoundedLabel } from './bounded-label.js';
import type { GatewayMetrics } from './define-metrics.js';
import type { HistogramSeries } from './series-histogram.js';

/** Bounds of the label sets that come from client headers. */
export interface LabelBounds {
  /** Distinct tenants exported before the rest fold into `other`. */
  maxTenants: number;
  /** Distinct features exported before the rest fold into `other`. */
  maxFeatures: number;
}

/**
 * Providers and models come from the config, so they are few; the bound only guards against a
 * config with hundreds of models blowing up every per-model series.
 */
const MAX_MODELS = 200;
const OPERATION = 'chat';

/** The per-deployment series every answered request touches, looked up once per provider and model. */
interface DeploymentSeries {
  uncached: HistogramSeries;
  cacheRead: HistogramSeries;
  cacheWrite: HistogramSeries;
  output: HistogramSeries;
  reasoning: HistogramSeries;
  timeToFirstToken: HistogramSeries;
}

/**
 * The settle observer that feeds the metrics. It runs on the request path (before the response's
 * last byte), so it only adds to in-memory series: about a microsecond per request (see
 * test/observability/bench-metrics-observer.ts).
 */
export function createMetricsObserver(metrics: GatewayMetrics, bounds: LabelBounds): SettleObserver {
  const tenants = new BoundedLabel(bounds.maxTenants);
  const features = new BoundedLabel(bounds.maxFeatures);
  const providers = new BoundedLabel(MAX_MODELS);
  const models = new BoundedLabel(MAX_MODELS);
  const deployments = new Map<string, DeploymentSeries>();
  const overhead = metrics.overhead.series();

  const deploymentSeries = (provider: string, model: string): DeploymentSeries => {
    const key = `${provider}\u0001${model}`;
    let series = deployments.get(key);
    if (series === undefined) {
      const tokens = (type: string) => metrics.tokenUsage.series(OPERATION, provider, model, type);
      series = {
        uncached: tokens('input_uncached'),
        cacheRead: tokens('input_cache_read'),
        cacheWrite: tokens('input_cache_write'),
        output: tokens('output'),
        reasoning: tokens('reasoning'),
        timeToFirstToken: metrics.timeToFirstToken.series(OPERATION, provider, model),
      };
      deployments.set(key, series);
    }
    return series;
  };

  const observeAttempts = (settled: SettledRequest): void => {
    let previous: SettledRequest['attempts'][number] | undefined;
    for (const attempt of settled.attempts) {
      const provider = providers.get(attempt.deployment.provider.name);
      const model = models.get(attempt.deployment.upstreamModel);
      const error = attempt.error?.code;
      metrics.attempts.series(provider, model, error ? 'error' : 'success', error ?? '').value += 1;
      if (previous) {
        const from = [providers.get(previous.deployment.provider.name), models.get(previous.deployment.upstreamModel)];
        const counter = previous.deployment.id === attempt.deployment.id ? metrics.retries : metrics.fallbacks;
        counter.series(...from).value += 1;
      }
      previous = attempt;
    }
  };

  return {
    onSettled(settled) {
      const provider = providers.get(settled.provider);
      const model = models.get(settled.model);
      const cacheHit = settled.cacheStatus === 'hit-exact' || settled.cacheStatus === 'hit-semantic';
      const routeRule = cacheHit ? 'cache' : (settled.route?.rule ?? 'none');
      metrics.requests.series(routeRule, provider, model, String(settled.httpStatus), settled.outcome).value += 1;
      metrics.cacheRequests.series(settled.cacheStatus).value += 1;
      overhead.observe(Math.max(0, settled.overheadMs) / 1000);

      const tenant = tenants.get(settled.tenant);
      const feature = features.get(settled.feature);
      if (settled.costUsd > 0) metrics.cost.series(tenant, feature, model).value += settled.costUsd;
      if (settled.counterfactualCostUsd > 0) {
        metrics.baselineCost.series(tenant, feature, model).value += settled.counterfactualCostUsd;
      }
      if (!settled.priced) metrics.unpriced.series(provider, model).value += 1;

      if (settled.attempts.length === 0) return;
      observeAttempts(settled);
      metrics.operationDuration
        .series(OPERATION, provider, model, settled.errorCode ?? '')
        .observe(Math.max(0, settled.latencyMs) / 1000);
      const series = deploymentSeries(provider, model);
      const answering = settled.attempts.at(-1);
      if (answering?.ttftMs !== undefined) series.timeToFirstToken.observe(answering.ttftMs / 1000);
      const usage = settled.usage;
      if (!usage) return;
      series.uncached.observe(usage.uncachedInputTokens);
      series.cacheRead.observe(usage.cacheReadInputTokens);
      series.cacheWrite.observe(usage.cacheWriteInputTokens);
      series.output.observe(usage.outputTokens);
      series.reasoning.observe(usage.reasoningTokens);
    },
  };
}
