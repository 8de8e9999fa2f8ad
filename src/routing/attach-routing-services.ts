import type { Registry } from 'prom-client';
import type { GatewayCore } from '../gateway/gateway-core.js';
import type { FeedbackListener } from '../gateway/handle-feedback.js';
import type { Ledger } from '../ledger/ledger.js';
import type { FeedbackRecord } from '../ledger/ledger-record.js';
import { createRouterLearning, type RouterLearning } from './learning/create-router-learning.js';
import { createShadowMode, type ShadowMode } from './shadow/create-shadow-mode.js';

/** What {@link attachRoutingServices} started. */
export interface RoutingServices {
  learning: RouterLearning;
  shadow: ShadowMode;
  /** Resolves when shadow runs, judging and learning started so far are done. */
  idle(): Promise<void>;
  /** Waits for work under way and closes the prompt log; call before the ledger closes. */
  close(): Promise<void>;
}

/**
 * Starts the routing services that live beside the request path — shadow mode with its judge, and
 * the router's learning from prompts, cascades and feedback — on a built gateway: they listen to
 * answered requests (`core.answeredListeners`) and to `/v1/feedback` (`feedbackListeners`), and
 * judge scores go through the same feedback listeners (so the ledger records them). Both read
 * `routing.shadow` and `routing.learning` from the live config and do nothing while those are off.
 */
export function attachRoutingServices(options: {
  core: GatewayCore;
  ledger: Pick<Ledger, 'flush' | 'requestDetail'>;
  feedbackListeners: FeedbackListener[];
  /** The gateway's metrics registry, for the shadow and judge metrics. */
  registry?: Registry;
  /** Random source for sampling and the judge's answer order (tests). */
  random?: () => number;
}): RoutingServices {
  const { core, feedbackListeners } = options;
  const learning = createRouterLearning({ core, ledger: options.ledger });
  const feedback = (record: FeedbackRecord): void => {
    for (const listener of feedbackListeners) {
      try {
        listener(record);
      } catch (error) {
        core.logger.warn({ err: error }, 'a feedback listener failed on a judge score');
      }
    }
  };
  const shadow = createShadowMode({
    core,
    feedback,
    onShadowAnswered: learning.answered,
    ...(options.random ? { random: options.random } : {}),
  });
  core.answeredListeners = [...(core.answeredListeners ?? []), learning.answered, shadow.answered];
  feedbackListeners.push(learning.feedback);
  options.registry?.registerMetric(shadow.metrics.shadowRuns);
  options.registry?.registerMetric(shadow.metrics.judgeScores);
  const idle = async () => {
    await shadow.idle();
    await learning.idle();
  };
  return {
    learning,
    shadow,
    idle,
    close: async () => {
      await idle();
      await learning.close();
    },
  };
}
