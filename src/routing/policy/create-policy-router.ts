import type { ConfigFile } from '../../config/config-schema.js';
import type { Deployment, DeploymentGroup } from '../../gateway/deployment.js';
import { GatewayError } from '../../spec/index.js';
import type { AutoRouter, AutoRouterInput } from '../../stages/route/resolve-route.js';
import type { RouteDecision, RouteRule } from '../../stages/route/route-decision.js';
import { detectTaskType } from '../classify/detect-task-type.js';
import { scoreComplexity } from '../classify/score-complexity.js';
import type { LearnedRouter } from '../learned/learned-router.js';
import { promptText } from './prompt-text.js';

/** Output tokens assumed for the cost rule when the request sets no limit. */
const EXPECTED_OUTPUT_TOKENS = 300;

type RoutingConfig = ConfigFile['routing'];

function expectedCost(deployment: Deployment, inputTokens: number, outputTokens: number): number {
  const price = deployment.price;
  // Unpriced deployments sort last: the router never assumes something unknown is free.
  if (!price) return Number.POSITIVE_INFINITY;
  return price.input * inputTokens + price.output * outputTokens;
}

/** The tier order (cheapest first) and the index the complexity rule picks. */
function complexityChoice(options: {
  input: AutoRouterInput;
  tiers: DeploymentGroup[];
  config: RoutingConfig;
  learned: LearnedRouter | undefined;
  text: string;
  targetQuality: number;
}): { index: number; reason: string } {
  const { tiers, config, learned, text } = options;
  if (learned) {
    const choice = learned.choose({
      prompt: text,
      candidates: tiers.map((tier) => ({ id: tier.name })),
      targetQuality: options.targetQuality,
    });
    const index = tiers.findIndex((tier) => tier.name === choice.id);
    if (index >= 0) return { index, reason: `learned: ${choice.explanation}` };
  }
  const score = scoreComplexity({ text, weights: config.weights });
  let index = config.thresholds.findIndex((threshold) => score.score < threshold);
  if (index === -1) index = tiers.length - 1;
  index = Math.min(index, tiers.length - 1);
  const drivers = score.drivers.slice(0, 2).map((driver) => driver.feature);
  return { index, reason: `complexity ${score.score.toFixed(2)}${drivers.length ? ` (${drivers.join(', ')})` : ''}` };
}

/**
 * The explainable policy router for `model: "auto"`. Rules in a fixed order; the route names the
 * last rule that changed the outcome:
 * residency (the `eligible` filter) → latency budget → budget state → complexity (heuristic or
 * learned, with task-type allow-lists and `x-tollgate-min-quality`) → cost (cheapest expected cost
 * within the chosen tier first).
 */
export function createPolicyRouter(options: { config: RoutingConfig; learned?: LearnedRouter }): AutoRouter {
  const { config, learned } = options;
  return (input) => {
    const { runtime, request, context, budget, latency, eligible } = input;
    const order = config.tier_order ?? [...runtime.tiers.keys()];
    const tiers = order
      .map((name) => runtime.tiers.get(name))
      .filter((tier): tier is DeploymentGroup => tier !== undefined);
    if (tiers.length === 0)
      throw new GatewayError({ code: 'no_route', message: 'No tiers are configured for model "auto".' });

    const text = promptText(request);
    const relief =
      budget.level === 'ok'
        ? 0
        : budget.level === 'fallback'
          ? config.budget_quality_relief * Math.min(1, budget.utilisation)
          : config.budget_quality_relief;
    const targetQuality = Math.max(0, config.target_quality - relief);
    const complexity = complexityChoice({ input, tiers, config, learned, text: text.all, targetQuality });
    let index = complexity.index;
    let rule: RouteRule = 'complexity';
    const reasons = [`${complexity.reason} → ${tiers[index]?.name}`];

    const minQuality = context.directives.minQuality;
    if (minQuality !== undefined) {
      while (index < tiers.length - 1 && (tiers[index]?.tier?.quality ?? 1) < minQuality) index++;
      if (index !== complexity.index) reasons.push(`min quality ${minQuality} → ${tiers[index]?.name}`);
    }
    const task = detectTaskType(text.lastUser);
    const allows = (tier: DeploymentGroup): boolean => {
      const allowed = tier.tier?.task_types;
      return !allowed || (task.confidence >= 0.5 && allowed.includes(task.taskType));
    };
    const beforeTask = index;
    while (index < tiers.length - 1 && !allows(tiers[index] as DeploymentGroup)) index++;
    if (index !== beforeTask)
      reasons.push(`task ${task.taskType} not allowed on ${tiers[beforeTask]?.name} → ${tiers[index]?.name}`);

    if (budget.level === 'fallback' && index > 0) {
      index--;
      rule = 'budget';
      reasons.push(
        `budget ${budget.budget} at ${(budget.utilisation * 100).toFixed(0)}% → cheaper tier ${tiers[index]?.name}`,
      );
    } else if ((budget.level === 'throttle' || budget.level === 'exhausted') && index > 0) {
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
      }
    }

    const inputTokens = Math.ceil(text.all.length / 4);
    const outputTokens = request.maxOutputTokens ?? EXPECTED_OUTPUT_TOKENS;
    const candidates = usable(chosen)
      .map((deployment, position) => ({
        deployment,
        position,
        cost: expectedCost(deployment, inputTokens, outputTokens),
      }))
      .sort(
        (a, b) =>
          Number(latency.isDemoted(a.deployment.id)) - Number(latency.isDemoted(b.deployment.id)) ||
          a.cost - b.cost ||
          a.position - b.position,
      )
      .map(({ deployment }) => deployment);
    if (candidates.length > 1 && candidates[0] !== usable(chosen)[0]) {
      reasons.push(`cheapest first: ${candidates[0]?.id}`);
    }
    const decision: RouteDecision = { rule, reason: reasons.join('; '), tier: chosen.name, candidates };
    return decision;
  };
}
