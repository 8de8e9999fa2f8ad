import { createHash } from 'node:crypto';
import type { ConfigFile } from '../../config/config-schema.js';
import type { SettledRequest, SettleObserver } from '../../stages/settle/settled-request.js';
import type { TraceRequest } from '../trace/trace-request.js';
import type { InjectedResponse } from './inject-request.js';
import type { BudgetCrossing, TokenTotals, VariantResult } from './replay-report.js';
import type { ReplayVariant } from './replay-variants.js';

/** Where an answer first came from, to score a later cache hit that serves it. */
interface AnswerOrigin {
  promptKey: string;
  tier: string;
}

/** Distinct route reasons counted; the rest count as `other`. */
const MAX_REASONS = 100;

/**
 * A route explanation without its numbers, so that requests routed by the same rule for the same
 * reasons count together: `complexity 0.91 (codeMarkers, reasoningVerbs) → premium; cheapest first: …`
 * becomes `complexity … (codeMarkers, reasoningVerbs) → premium`.
 */
export function routeReasonKey(reason: string): string {
  const [decisive = ''] = reason.split(';');
  return decisive
    .replace(/-?\$?\d+(?:\.\d+)?%?/g, '…')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Settled requests the gateway reported that the replay has not read yet (bounded by in-flight requests). */
const MAX_PENDING = 1_000;

function hash(text: string): string {
  return createHash('sha256').update(text).digest('base64url').slice(0, 22);
}

/** The answer text of an OpenAI Chat Completions response, streamed (SSE) or not. */
export function answerText(response: InjectedResponse): string {
  const type = response.headers['content-type'] ?? '';
  const pieces: string[] = [];
  const take = (choice: unknown, key: 'message' | 'delta'): void => {
    const part = (choice as Record<string, { content?: unknown; tool_calls?: unknown }> | undefined)?.[key];
    if (typeof part?.content === 'string') pieces.push(part.content);
    if (part?.tool_calls !== undefined) pieces.push(JSON.stringify(part.tool_calls));
  };
  try {
    if (type.startsWith('text/event-stream')) {
      for (const line of response.body.split('\n')) {
        if (!line.startsWith('data: ') || line === 'data: [DONE]') continue;
        const chunk = JSON.parse(line.slice(6)) as { choices?: unknown[] };
        take(chunk.choices?.[0], 'delta');
      }
    } else {
      const body = JSON.parse(response.body) as { choices?: unknown[] };
      take(body.choices?.[0], 'message');
    }
  } catch {
    return '';
  }
  return pieces.join('');
}

/** Maps `provider/upstream-model` to the tier it serves first (else the first tier listing it). */
function tierIndex(config: ConfigFile): { tierOf: Map<string, string>; nameOf: Map<string, string> } {
  const nameOf = new Map<string, string>();
  for (const provider of config.providers) {
    for (const model of provider.models) {
      nameOf.set(`${provider.name}/${model.upstream ?? model.name}`, `${provider.name}/${model.name}`);
    }
  }
  const tierOf = new Map<string, string>();
  const tiers = Object.entries(config.tiers);
  for (const [name, tier] of tiers) {
    const first = tier.deployments[0];
    if (first !== undefined && !tierOf.has(first)) tierOf.set(first, name);
  }
  for (const [name, tier] of tiers) for (const id of tier.deployments) if (!tierOf.has(id)) tierOf.set(id, name);
  return { tierOf, nameOf };
}

function percentile(sorted: Float64Array, share: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor(share * sorted.length))] as number;
}

/** Mean, median and 95th percentile of latencies. */
export function summariseLatencies(values: readonly number[]): VariantResult['latencyMs'] {
  const sorted = Float64Array.from(values).sort();
  return {
    mean: sorted.length > 0 ? sorted.reduce((sum, value) => sum + value, 0) / sorted.length : 0,
    p50: percentile(sorted, 0.5),
    p95: percentile(sorted, 0.95),
  };
}

/**
 * Collects what one configuration did: a settle observer on its gateway (the real accounting: cost
 * from the real pricing of the usage the provider reported), plus what the replay saw of each
 * response. Aggregates as it goes, so a long trace costs a few numbers per request.
 */
export class VariantCollector implements SettleObserver {
  readonly variant: ReplayVariant;
  readonly crossings: BudgetCrossing[] = [];
  private readonly pending = new Map<string, SettledRequest>();
  private readonly tierOf: Map<string, string>;
  private readonly nameOf: Map<string, string>;
  private readonly origins = new Map<string, AnswerOrigin>();
  private readonly arrivals: number[] = [];
  private readonly costs: number[] = [];
  private readonly latencies: number[] = [];
  private readonly tierCounts = new Map<string, number>();
  private readonly reasonCounts = new Map<string, number>();
  private readonly deploymentCounts = new Map<string, number>();
  private readonly errors: Record<string, number> = {};
  private readonly tokens: TokenTotals = { uncachedInput: 0, cacheReadInput: 0, cacheWriteInput: 0, output: 0 };
  private succeeded = 0;
  private costUsd = 0;
  private exactHits = 0;
  private semanticHits = 0;
  private downgraded = 0;
  private rejected = 0;
  private scored = 0;
  private qualitySum = 0;
  private unverifiedHits = 0;
  private recordedCostUsd = 0;

  constructor(variant: ReplayVariant) {
    this.variant = variant;
    const index = tierIndex(variant.config);
    this.tierOf = index.tierOf;
    this.nameOf = index.nameOf;
  }

  onSettled(request: SettledRequest): void {
    this.pending.set(request.requestId, request);
    if (this.pending.size > MAX_PENDING) {
      const oldest = this.pending.keys().next();
      if (!oldest.done) this.pending.delete(oldest.value);
    }
  }

  /** Reads the settled request the gateway reported for `requestId` and counts it. */
  record(input: { requestId: string; request: TraceRequest; response: InjectedResponse; latencyMs: number }): void {
    const settled = this.pending.get(input.requestId);
    this.pending.delete(input.requestId);
    const { request, response } = input;
    const cost = settled?.costUsd ?? 0;
    this.arrivals.push(request.atMs);
    this.costs.push(cost);
    this.latencies.push(input.latencyMs);
    this.costUsd += cost;
    const usage = settled?.usage;
    if (usage) {
      this.tokens.uncachedInput += usage.uncachedInputTokens;
      this.tokens.cacheReadInput += usage.cacheReadInputTokens;
      this.tokens.cacheWriteInput += usage.cacheWriteInputTokens;
      this.tokens.output += usage.outputTokens;
    }
    if (settled?.route?.rule === 'budget') this.downgraded += 1;
    const ok = response.status >= 200 && response.status < 300 && settled?.outcome === 'success';
    const deployment =
      settled?.provider && settled.model ? this.nameOf.get(`${settled.provider}/${settled.model}`) : undefined;
    const hit = settled?.cacheStatus === 'hit-exact' || settled?.cacheStatus === 'hit-semantic';
    let tier: string | undefined;
    if (!ok) {
      const code = settled?.errorCode ?? `http_${response.status}`;
      this.errors[code] = (this.errors[code] ?? 0) + 1;
      if (settled?.outcome === 'budget_rejected') this.rejected += 1;
      this.count(this.tierCounts, 'failed');
    } else {
      this.succeeded += 1;
      tier = settled?.route?.tier ?? (deployment ? this.tierOf.get(deployment) : undefined) ?? deployment ?? 'other';
      if (hit) {
        if (settled?.cacheStatus === 'hit-exact') this.exactHits += 1;
        else this.semanticHits += 1;
        this.count(this.tierCounts, 'cache');
      } else {
        this.count(this.tierCounts, tier);
        if (deployment) this.count(this.deploymentCounts, deployment);
        if (this.variant.model === 'auto' && settled?.route) this.countReason(settled.route.reason);
      }
    }
    if (request.outcomes) this.score({ request, response, ok, hit, tier });
  }

  private score(input: {
    request: TraceRequest;
    response: InjectedResponse;
    ok: boolean;
    hit: boolean;
    tier: string | undefined;
  }): void {
    const { request, ok, hit } = input;
    const outcomes = request.outcomes ?? {};
    this.scored += 1;
    if (!ok || input.tier === undefined) return;
    const promptKey = hash(JSON.stringify((request.body() as { messages?: unknown }).messages ?? null));
    const answerKey = hash(answerText(input.response));
    if (!hit) {
      this.qualitySum += outcomes[input.tier] ?? 0;
      this.recordedCostUsd += request.recordedCostUsd?.[input.tier] ?? 0;
      this.origins.set(answerKey, { promptKey, tier: input.tier });
      return;
    }
    const origin = this.origins.get(answerKey);
    if (origin && origin.promptKey === promptKey) this.qualitySum += outcomes[origin.tier] ?? 0;
    else this.unverifiedHits += 1;
  }

  private countReason(reason: string): void {
    const key = routeReasonKey(reason);
    if (this.reasonCounts.has(key) || this.reasonCounts.size < MAX_REASONS) this.count(this.reasonCounts, key);
    else this.count(this.reasonCounts, 'other');
  }

  private count(counts: Map<string, number>, key: string): void {
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }

  /** Spend by the time buckets' ends (cumulative). */
  cumulativeCost(bucketEndsMs: readonly number[]): number[] {
    const totals = new Array<number>(bucketEndsMs.length).fill(0);
    let bucket = 0;
    let running = 0;
    for (let index = 0; index < this.arrivals.length; index++) {
      const at = this.arrivals[index] as number;
      while (bucket < bucketEndsMs.length - 1 && at > (bucketEndsMs[bucket] as number)) {
        totals[bucket] = running;
        bucket += 1;
      }
      running += this.costs[index] as number;
    }
    for (; bucket < bucketEndsMs.length; bucket++) totals[bucket] = running;
    return totals;
  }

  /**
   * Totals. The columns compared with the baseline (cost per million tokens of the traffic, saving)
   * are left at 0: the baseline may run in another worker; `finaliseResults` fills them in.
   */
  result(bucketEndsMs: readonly number[]): VariantResult {
    const requests = this.arrivals.length;
    const share = (counts: Map<string, number>, total: number): Record<string, number> =>
      Object.fromEntries(
        [...counts.entries()].sort((a, b) => b[1] - a[1]).map(([key, count]) => [key, total > 0 ? count / total : 0]),
      );
    const calls = [...this.deploymentCounts.values()].reduce((sum, count) => sum + count, 0);
    const inputTokens = this.tokens.uncachedInput + this.tokens.cacheReadInput + this.tokens.cacheWriteInput;
    const result: VariantResult = {
      name: this.variant.name,
      label: this.variant.label,
      model: this.variant.model,
      requests,
      succeeded: this.succeeded,
      errors: { ...this.errors },
      costUsd: this.costUsd,
      costPerMillionTokensUsd: 0,
      savingVsBaseline: 0,
      tokens: { ...this.tokens },
      cacheHits: { exact: this.exactHits, semantic: this.semanticHits },
      cacheHitRate: requests > 0 ? (this.exactHits + this.semanticHits) / requests : 0,
      prefixCacheHitRate: inputTokens > 0 ? this.tokens.cacheReadInput / inputTokens : 0,
      tierShares: share(this.tierCounts, requests),
      ...(this.variant.model === 'auto'
        ? { routeReasons: Object.fromEntries([...this.reasonCounts.entries()].sort((a, b) => b[1] - a[1])) }
        : {}),
      deploymentShares: share(this.deploymentCounts, calls),
      budget: { downgraded: this.downgraded, rejected: this.rejected, crossings: [...this.crossings] },
      latencyMs: summariseLatencies(this.latencies),
      cumulativeCostUsd: this.cumulativeCost(bucketEndsMs),
    };
    if (this.scored > 0) {
      result.quality = {
        mean: this.qualitySum / this.scored,
        unverifiedHits: this.unverifiedHits,
        recordedCostUsd: this.recordedCostUsd,
      };
    }
    return result;
  }

  /** Each request's simulated latency, ms, in arrival order. */
  latencySamples(): number[] {
    return [...this.latencies];
  }

  /** Input + output tokens this configuration sent and received (the baseline's is the traffic's size). */
  trafficTokens(): number {
    return this.tokens.uncachedInput + this.tokens.cacheReadInput + this.tokens.cacheWriteInput + this.tokens.output;
  }
}
