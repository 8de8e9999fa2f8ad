import { GatewayError } from '../../spec/index.js';
import type { ReplayReport, VariantResult } from './replay-report.js';
import { summariseLatencies } from './variant-collector.js';

function addCounts(into: Record<string, number>, from: Record<string, number>, weight = 1): void {
  for (const [key, value] of Object.entries(from)) into[key] = (into[key] ?? 0) + value * weight;
}

function normalise(counts: Record<string, number>): Record<string, number> {
  const total = Object.values(counts).reduce((sum, value) => sum + value, 0);
  return Object.fromEntries(
    Object.entries(counts)
      .sort((a, b) => b[1] - a[1])
      .map(([key, value]) => [key, total > 0 ? value / total : 0]),
  );
}

/**
 * Adds up one configuration's results over disjoint parts of a trace replayed apart: totals add, shares
 * are re-weighted, cumulative costs add bucket by bucket (the parts share bucket ends). Latency
 * percentiles are exact when every request's latency is given, else the request-weighted mean of the
 * parts' (close for similar parts). Cost per token and saving are left for the caller to recompute.
 */
export function mergeVariantResults(parts: readonly VariantResult[], latenciesMs?: readonly number[]): VariantResult {
  const first = parts[0] as VariantResult;
  const sum = (read: (part: VariantResult) => number): number => parts.reduce((total, part) => total + read(part), 0);
  const requests = sum((part) => part.requests);
  const weighted = (read: (part: VariantResult) => number): number =>
    requests > 0 ? sum((part) => read(part) * part.requests) / requests : 0;
  const tiers: Record<string, number> = {};
  const deployments: Record<string, number> = {};
  const errors: Record<string, number> = {};
  const reasons: Record<string, number> = {};
  for (const part of parts) {
    addCounts(reasons, part.routeReasons ?? {});
    addCounts(tiers, part.tierShares, part.requests);
    const calls = part.succeeded - part.cacheHits.exact - part.cacheHits.semantic;
    addCounts(deployments, part.deploymentShares, calls);
    addCounts(errors, part.errors);
  }
  const tokens = {
    uncachedInput: sum((part) => part.tokens.uncachedInput),
    cacheReadInput: sum((part) => part.tokens.cacheReadInput),
    cacheWriteInput: sum((part) => part.tokens.cacheWriteInput),
    output: sum((part) => part.tokens.output),
  };
  const input = tokens.uncachedInput + tokens.cacheReadInput + tokens.cacheWriteInput;
  const hits = { exact: sum((part) => part.cacheHits.exact), semantic: sum((part) => part.cacheHits.semantic) };
  const merged: VariantResult = {
    name: first.name,
    label: first.label,
    model: first.model,
    requests,
    succeeded: sum((part) => part.succeeded),
    errors,
    costUsd: sum((part) => part.costUsd),
    costPerMillionTokensUsd: 0,
    savingVsBaseline: 0,
    tokens,
    cacheHits: hits,
    cacheHitRate: requests > 0 ? (hits.exact + hits.semantic) / requests : 0,
    prefixCacheHitRate: input > 0 ? tokens.cacheReadInput / input : 0,
    tierShares: normalise(tiers),
    deploymentShares: normalise(deployments),
    ...(parts.some((part) => part.routeReasons)
      ? { routeReasons: Object.fromEntries(Object.entries(reasons).sort((a, b) => b[1] - a[1])) }
      : {}),
    budget: {
      downgraded: sum((part) => part.budget.downgraded),
      rejected: sum((part) => part.budget.rejected),
      crossings: parts.flatMap((part) => part.budget.crossings),
    },
    latencyMs: latenciesMs
      ? summariseLatencies(latenciesMs)
      : {
          mean: weighted((part) => part.latencyMs.mean),
          p50: weighted((part) => part.latencyMs.p50),
          p95: weighted((part) => part.latencyMs.p95),
        },
    cumulativeCostUsd: first.cumulativeCostUsd.map((_, bucket) => sum((part) => part.cumulativeCostUsd[bucket] ?? 0)),
  };
  if (parts.every((part) => part.quality)) {
    merged.quality = {
      mean: weighted((part) => part.quality?.mean ?? 0),
      unverifiedHits: sum((part) => part.quality?.unverifiedHits ?? 0),
      recordedCostUsd: sum((part) => part.quality?.recordedCostUsd ?? 0),
    };
  }
  if (parts.every((part) => part.monthlyProjectionUsd !== undefined)) {
    merged.monthlyProjectionUsd = sum((part) => part.monthlyProjectionUsd ?? 0);
  }
  return merged;
}

/**
 * Adds up replays of disjoint parts of one trace (the folds of a cross-fitted replay), replayed with
 * the same configurations and the same timeline: totals add, shares and means are re-weighted by
 * requests, and savings and cost per token are recomputed from the totals.
 */
export function mergeReports(
  reports: readonly ReplayReport[],
  options: { name: string; notes?: string[] },
): ReplayReport {
  const [first] = reports;
  if (!first) throw new GatewayError({ code: 'invalid_request', message: 'Nothing to merge' });
  const names = first.variants.map((variant) => variant.name);
  const variants = names.map((name) =>
    mergeVariantResults(
      reports.map((report) => report.variants.find((variant) => variant.name === name) as VariantResult),
    ),
  );
  const trafficTokens = reports.reduce((sum, report) => sum + report.trafficTokens, 0);
  const baselineCost = variants.find((variant) => variant.name === 'baseline')?.costUsd ?? 0;
  for (const variant of variants) {
    variant.costPerMillionTokensUsd = trafficTokens > 0 ? (variant.costUsd / trafficTokens) * 1e6 : 0;
    variant.savingVsBaseline = baselineCost > 0 ? 1 - variant.costUsd / baselineCost : 0;
  }
  const notes = [...new Set([...(options.notes ?? []), ...reports.flatMap((report) => report.notes)])];
  return {
    trace: {
      ...first.trace,
      name: options.name,
      requests: reports.reduce((sum, report) => sum + report.trace.requests, 0),
      startMs: Math.min(...reports.map((report) => report.trace.startMs)),
      endMs: Math.max(...reports.map((report) => report.trace.endMs)),
    },
    prices: first.prices,
    notes,
    trafficTokens,
    variants,
    bucketEndsMs: first.bucketEndsMs,
    ...(first.projectionBasis ? { projectionBasis: first.projectionBasis } : {}),
    elapsedMs: reports.reduce((sum, report) => sum + report.elapsedMs, 0),
    cpuMs: reports.reduce((sum, report) => sum + (report.cpuMs ?? 0), 0),
  };
}
