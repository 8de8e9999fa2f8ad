import type { ConfigFile } from '../../config/config-schema.js';
import type { Deployment, DeploymentGroup } from '../../gateway/deployment.js';
import { GatewayError } from '../../spec/index.js';
import type { BudgetState } from '../../stages/budget/budget-layer.js';
import type { AutoRouter } from '../../stages/route/resolve-route.js';
import type { RouteDecision, RouteRule } from '../../stages/route/route-decision.js';
import { detectTaskType } from '../classify/detect-task-type.js';
import { scoreComplexity } from '../classify/score-complexity.js';
import type { LearnedRouter } from '../learned/learned-router.js';
import { CHARS_PER_TOKEN, createRecentPrefixes } from './create-recent-prefixes.js';
import { type ExpectedCostInput, expectedCost } from './expected-cost.js';
import { promptText } from './prompt-text.js';

/** Output tokens assumed for the cost rule when the request sets no limit. */
const EXPECTED_OUTPUT_TOKENS = 300;
/** SPEC section 6 defaults, for budget states that do not carry their thresholds. */
const DEFAULT_FALLBACK_AT = 0.8;
const DEFAULT_THROTTLE_AT = 0.95;

type RoutingConfig = ConfigFile['routing'];

/**
 * How far a budget has burnt into its soft zone: 0 up to `fallback_at`, rising linearly to 1 at
 * `throttle_at` (the SPEC defaults, 80% and 95%, when the state does not carry the thresholds).
 */
export function budgetPressure(budget: BudgetState): number {
  if (budget.level === 'ok') return 0;
  if (budget.level !== 'fallback') return 1;
  const fallbackAt = budget.fallbackAt ?? DEFAULT_FALLBACK_AT;
  const throttleAt = budget.throttleAt ?? DEFAULT_THROTTLE_AT;
  if (!(throttleAt > fallbackAt)) return 1;
  return Math.min(1, Math.max(0, (budget.utilisation - fallbackAt) / (throttleAt - fallbackAt)));
}

/** The tier index the complexity rule picks, and why. */
function complexityChoice(options: {
  tiers: DeploymentGroup[];
  config: RoutingConfig;
  learned: LearnedRouter | undefined;
  text: string;
  /** How much quality the budget gives up (0–1): lowers the learned target, raises the heuristic thresholds. */
  relief: number;
  /** Expected cost of the request on each tier (cheapest usable deployment), when every tier is priced. */
  costs: number[] | undefined;
}): { index: number; reason: string } {
  const { tiers, config, learned, text, relief } = options;
  if (learned) {
    const targetQuality = Math.max(0, config.target_quality - relief);
    const candidates = tiers.map((tier, position) => ({
      id: tier.name,
      ...(options.costs ? { costPerRequestEstimate: options.costs[position] as number } : {}),
    }));
    if (learned.knowsAny(candidates.map((candidate) => candidate.id))) {
      const choice = learned.choose({ prompt: text, candidates, targetQuality });
      const index = tiers.findIndex((tier) => tier.name === choice.id);
      if (index >= 0) return { index, reason: choice.explanation };
    }
  }
  const score = scoreComplexity({ text, weights: config.weights });
  // A budget under pressure raises every threshold, so a prompt needs a higher score for a dearer tier.
  let index = config.thresholds.findIndex((threshold) => score.score < Math.min(1, threshold + relief));
  if (index === -1) index = tiers.length - 1;
  index = Math.min(index, tiers.length - 1);
  const drivers = score.drivers.slice(0, 2).map((driver) => driver.feature);
  const fallback = learned ? 'learned router has no data for these tiers; ' : '';
  return {
    index,
    reason: `${fallback}complexity ${score.score.toFixed(2)}${drivers.length ? ` (${drivers.join(', ')})` : ''}`,
  };
}

/**
 * The explainable policy router for `model: "auto"`. Rules in a fixed order; the route names the
 * last rule that changed the outcome:
 * residency (the `eligible` filter) → latency budget → budget state → complexity (heuristic or
 * learned, with task-type allow-lists and `x-tollgate-min-quality`) → cost (cheapest expected cost
 * within the chosen tier first).
 *
 * The classifiers score the task (the last user turn, with a little of the user's earlier turns), not
 * the system prompt. The cost rule prices a stable prefix (the messages before the last user turn)
 * that this router sent within a deployment's prefix-cache lifetime at that deployment's cache-read
 * price, so that traffic is not moved off a provider whose prefix cache makes it the cheaper one.
 *
 * The budget acts through the single cost–quality knob: from `fallback_at` to `throttle_at` the
 * quality the router aims for drops linearly by up to `budget_quality_relief` (the learned router's
 * target falls, the heuristic thresholds rise), so traffic drifts to cheaper tiers smoothly rather
 * than all at once; past `throttle_at` only the cheapest tier serves.
 */
export function createPolicyRouter(options: {
  config: RoutingConfig;
  learned?: LearnedRouter;
  /** The clock prefix lifetimes are measured on (a replay's virtual clock); default `Date.now`. */
  now?: () => number;
}): AutoRouter {
  const { config, learned } = options;
  const now = options.now ?? Date.now;
  const recentPrefixes = createRecentPrefixes();
  return (input) => {
    const { runtime, request, context, budget, latency, eligible } = input;
    const order = config.tier_order ?? [...runtime.tiers.keys()];
    const tiers = order
      .map((name) => runtime.tiers.get(name))
      .filter((tier): tier is DeploymentGroup => tier !== undefined);
    if (tiers.length === 0)
      throw new GatewayError({ code: 'no_route', message: 'No tiers are configured for model "auto".' });

    const text = promptText(request);
    const at = now();
    const costInput: ExpectedCostInput = {
      inputTokens: Math.ceil(text.totalChars / CHARS_PER_TOKEN),
      outputTokens: request.maxOutputTokens ?? EXPECTED_OUTPUT_TOKENS,
      prefixes: recentPrefixes.observe(request, at),
      now: at,
      prefixSettings: runtime.config.cache.prefix,
    };
    const costOf = (deployment: Deployment): number => expectedCost(deployment, costInput).usd;
    const tierCosts = tiers.map((tier) => Math.min(...tier.deployments.filter(eligible).map(costOf)));
    const costs = tierCosts.every(Number.isFinite) ? tierCosts : undefined;
    const pressure = budgetPressure(budget);
    const relief = config.budget_quality_relief * pressure;
    const complexity = complexityChoice({ tiers, config, learned, text: text.task, relief, costs });
    let index = complexity.index;
    let rule: RouteRule = 'complexity';
    const reasons = [`${complexity.reason} → ${tiers[index]?.name}`];
    if (relief > 0) {
      const unrelieved = complexityChoice({ tiers, config, learned, text: text.task, relief: 0, costs }).index;
      if (unrelieved !== index) {
        rule = 'budget';
        reasons.push(
          `budget ${budget.budget} at ${(budget.utilisation * 100).toFixed(0)}% values cost more (quality −${relief.toFixed(2)}): ${tiers[unrelieved]?.name} → ${tiers[index]?.name}`,
        );
      }
    }

    const minQuality = context.directives.minQuality;
    if (minQuality !== undefined) {
      const before = index;
      while (index < tiers.length - 1 && (tiers[index]?.tier?.quality ?? 1) < minQuality) index++;
      if (index !== before) reasons.push(`min quality ${minQuality} → ${tiers[index]?.name}`);
    }
    // Detected only when some tier has an allow-list: on long prompts it costs as much as the score.
    let task: ReturnType<typeof detectTaskType> | undefined;
    const allows = (tier: DeploymentGroup): boolean => {
      const allowed = tier.tier?.task_types;
      if (!allowed) return true;
      task ??= detectTaskType(text.lastUser);
      return task.confidence >= 0.5 && allowed.includes(task.taskType);
    };
    const beforeTask = index;
    while (index < tiers.length - 1 && !allows(tiers[index] as DeploymentGroup)) index++;
    if (index !== beforeTask)
      reasons.push(`task ${task?.taskType} not allowed on ${tiers[beforeTask]?.name} → ${tiers[index]?.name}`);

    if ((budget.level === 'throttle' || budget.level === 'exhausted') && index > 0) {
      index = 0;
      rule = 'budget';
      reasons.push(
        `budget ${budget.budget} at ${(budget.utilisation * 100).toFixed(0)}% (throttle) → cheapest tier ${tiers[0]?.name}`,
      );
    }

    const latencyBudget = context.directives.latencyBudgetMs;
    const fast = (deployment: Deployment): boolean => {
      if (latencyBudget === undefined) return true;
      const expected = latency.expectedFirstTokenMs(deployment.id);
      return expected === undefined || expected <= latencyBudget;
    };
    const usable = (tier: DeploymentGroup): Deployment[] => tier.deployments.filter((d) => eligible(d) && fast(d));
    let chosen = tiers[index] as DeploymentGroup;
    let nearestUsed = false;
    if (usable(chosen).length === 0) {
      const nearest = tiers
        .map((tier, position) => ({ tier, distance: Math.abs(position - index) + (position < index ? 0.5 : 0) }))
        .filter(({ tier }) => usable(tier).length > 0)
        .sort((a, b) => a.distance - b.distance)[0];
      if (nearest) {
        if (latencyBudget !== undefined && chosen.deployments.some(eligible)) {
          rule = 'latency';
          reasons.push(`latency budget ${latencyBudget} ms → ${nearest.tier.name}`);
        }
        chosen = nearest.tier;
        nearestUsed = true;
      }
    }

    const inConfigOrder = usable(chosen);
    const priced = inConfigOrder.map((deployment, position) => ({
      deployment,
      position,
      expected: expectedCost(deployment, costInput),
      list: expectedCost(deployment, { ...costInput, prefixes: [] }).usd,
    }));
    const byCost = [...priced]
      .sort((a, b) => a.expected.usd - b.expected.usd || a.position - b.position)
      .map(({ deployment }) => deployment);
    const cheapestAtList = [...priced].sort((a, b) => a.list - b.list || a.position - b.position)[0]?.deployment;
    const cachedTokens = priced.find((entry) => entry.deployment === byCost[0])?.expected.cachedTokens ?? 0;
    // The prefix decided when list prices alone would have put another deployment first.
    const prefixDecided = cachedTokens > 0 && cheapestAtList !== byCost[0];
    // Stable: demoted endpoints move behind the others, in cost order among themselves.
    const demoted = byCost.filter((deployment) => latency.isDemoted(deployment.id));
    const candidates = [...byCost.filter((deployment) => !latency.isDemoted(deployment.id)), ...demoted];
    const slow = chosen.deployments.filter((deployment) => eligible(deployment) && !fast(deployment));
    if (slow.length > 0 && candidates.length > 0 && !nearestUsed) {
      rule = 'latency';
      reasons.push(`latency budget ${latencyBudget} ms skips ${slow.map((deployment) => deployment.id).join(', ')}`);
    }
    if (candidates[0] !== byCost[0]) {
      rule = 'latency';
      reasons.push(`below output-speed floor, tried last: ${demoted.map((deployment) => deployment.id).join(', ')}`);
    } else if (candidates.length > 1 && (byCost[0] !== inConfigOrder[0] || prefixDecided)) {
      // Cost names the route only when nothing weightier (budget, latency) moved it.
      if (rule === 'complexity') rule = 'cost';
      const prefix = prefixDecided ? ` (a ~${cachedTokens}-token prefix sent recently, priced as cache reads)` : '';
      reasons.push(`cheapest first: ${candidates[0]?.id}${prefix}`);
    }
    const decision: RouteDecision = { rule, reason: reasons.join('; '), tier: chosen.name, candidates };
    return decision;
  };
}
