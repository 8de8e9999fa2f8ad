import { Counter, Histogram } from 'prom-client';
import type { GatewayCore } from '../../gateway/gateway-core.js';
import type { FeedbackRecord } from '../../ledger/ledger-record.js';
import type { AnsweredEvent, AnsweredListener } from '../answered-event.js';
import { promptText } from '../policy/prompt-text.js';
import { answerText, buildJudgeRequest, parseJudgeScores } from './judge-prompt.js';
import { runSideRequest } from './run-side-request.js';

/** Shadow runs in flight at once; beyond this a sampled request is skipped rather than queued. */
const MAX_IN_FLIGHT = 8;

/** Shadow mode (see {@link createShadowMode}). */
export interface ShadowMode {
  answered: AnsweredListener;
  /** Metrics to register with the gateway's registry. */
  metrics: { shadowRuns: Counter<'outcome'>; judgeScores: Histogram<'tier'> };
  /** Resolves when every shadow run (and judging) started so far has finished. */
  idle(): Promise<void>;
}

/**
 * Shadow mode, configured by `routing.shadow`: on a `sample` of answered requests, after the client
 * has its response, the same request is sent to `route` as well (never streamed, never cached, never
 * shown to the client); both outcomes and costs are on the ledger (the shadow with `shadow_of`).
 * With `judge_tier`, that tier scores both answers (order shuffled against position bias); the scores
 * go to `feedback` for both request ids — the ledger, hence `router fit --ledger`, and the router's
 * learning — and to the per-tier quality histogram `tollgate_router_judge_score`.
 */
export function createShadowMode(options: {
  core: GatewayCore;
  /** Where judge scores go, as feedback records (the gateway's feedback listeners). */
  feedback: (record: FeedbackRecord) => void;
  /** The shadow request answered, for the router's learning (its prompt, under its own id). */
  onShadowAnswered?: AnsweredListener;
  random?: () => number;
}): ShadowMode {
  const { core } = options;
  const random = options.random ?? Math.random;
  const running = new Set<Promise<void>>();
  const shadowRuns = new Counter({
    name: 'tollgate_router_shadow_runs_total',
    help: 'Shadow runs by outcome (answered, failed, skipped: budget, no route or too many in flight).',
    labelNames: ['outcome'] as const,
    registers: [],
  });
  const judgeScores = new Histogram({
    name: 'tollgate_router_judge_score',
    help: 'LLM-as-judge quality scores (0-1) of answers, by the tier that gave them.',
    labelNames: ['tier'] as const,
    buckets: [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1],
    registers: [],
  });

  const judge = async (event: AnsweredEvent, shadow: { requestId: string; tier: string; text: string }) => {
    const tier = core.runtime.config.routing.shadow.judge_tier;
    if (tier === undefined) return;
    const primary = {
      requestId: event.context.requestId,
      tier: event.route.tier ?? event.deployment.id,
      text: answerText(event.answer),
    };
    const swapped = random() < 0.5;
    const [first, second] = swapped ? [shadow, primary] : [primary, shadow];
    const verdict = await runSideRequest({
      core,
      parent: event.context,
      request: buildJudgeRequest({
        model: tier,
        prompt: promptText(event.request).all,
        first: first.text,
        second: second.text,
      }),
    });
    const scores = verdict?.answer ? parseJudgeScores(answerText(verdict.answer)) : undefined;
    if (!scores) return;
    const at = Date.now();
    for (const [judged, score] of [
      [first, scores.first],
      [second, scores.second],
    ] as const) {
      judgeScores.observe({ tier: judged.tier }, score);
      options.feedback({ requestId: judged.requestId, at, score, label: null, comment: `judge: tier ${tier}` });
    }
  };

  const shadowOf = async (event: AnsweredEvent): Promise<void> => {
    const settings = core.runtime.config.routing.shadow;
    if (settings.route === undefined) return;
    const side = await runSideRequest({
      core,
      parent: event.context,
      request: { ...event.request, model: settings.route, stream: false },
    });
    if (!side) {
      shadowRuns.inc({ outcome: 'skipped' });
      return;
    }
    if (!side.answer || !side.deployment) {
      shadowRuns.inc({ outcome: 'failed' });
      return;
    }
    shadowRuns.inc({ outcome: 'answered' });
    options.onShadowAnswered?.({
      context: { ...event.context, requestId: side.requestId },
      request: { ...event.request, model: settings.route },
      route: side.route,
      deployment: side.deployment,
      answer: side.answer,
      costUsd: side.costUsd,
      rejected: [],
    });
    await judge(event, {
      requestId: side.requestId,
      tier: side.route.tier ?? side.deployment.id,
      text: answerText(side.answer),
    });
  };

  return {
    metrics: { shadowRuns, judgeScores },
    answered(event) {
      const settings = core.runtime.config.routing.shadow;
      if (settings.sample <= 0 || settings.route === undefined || random() >= settings.sample) return;
      if (running.size >= MAX_IN_FLIGHT) {
        shadowRuns.inc({ outcome: 'skipped' });
        return;
      }
      const run: Promise<void> = shadowOf(event)
        .catch((error: unknown) => {
          shadowRuns.inc({ outcome: 'failed' });
          core.logger.warn({ err: error, requestId: event.context.requestId }, 'shadow run failed');
        })
        .finally(() => running.delete(run));
      running.add(run);
    },
    idle: async () => {
      while (running.size > 0) await Promise.all([...running]);
    },
  };
}
