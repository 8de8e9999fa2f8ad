import { appendFile, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { GatewayCore } from '../../gateway/gateway-core.js';
import type { FeedbackListener } from '../../gateway/handle-feedback.js';
import type { Ledger } from '../../ledger/ledger.js';
import type { FeedbackRecord } from '../../ledger/ledger-record.js';
import { computeCost } from '../../pricing/compute-cost.js';
import type { AnsweredEvent, AnsweredListener } from '../answered-event.js';
import type { LearnedRouter } from '../learned/learned-router.js';
import type { OutcomeRow } from '../learned/outcome-row.js';
import { readOutcomeFile } from '../learned/read-outcome-file.js';
import { parseOutcomeJsonl } from '../learned/read-outcome-jsonl.js';
import { createPolicyRouter } from '../policy/create-policy-router.js';
import { promptText } from '../policy/prompt-text.js';
import { fitRouterInWorker } from './fit-router-in-worker.js';
import { modelsMapFromConfig } from './models-map-from-config.js';
import { outcomesOfRequest } from './outcomes-of-request.js';
import { createPromptLog, type PromptLog, type PromptLogEntry } from './prompt-log.js';

/** Recent prompts kept in memory for feedback that arrives while the gateway still runs. */
const RECENT_PROMPTS = 20_000;

/** The router's learning in service (see {@link createRouterLearning}). */
export interface RouterLearning {
  /** Records the prompt (and cascade rejections) of each answered request. */
  answered: AnsweredListener;
  /** Turns feedback into outcomes, and refits the router every `retrain_every` outcomes. */
  feedback: FeedbackListener;
  /** Outcomes learnt since start, and refits done. */
  stats(): { outcomes: number; retrains: number; lastError: string | undefined };
  /** Resolves when queued feedback is processed and any refit under way has finished. */
  idle(): Promise<void>;
  /** Refits now from the base data and every outcome learnt (also what `retrain_every` triggers). */
  retrain(): Promise<LearnedRouter>;
  close(): Promise<void>;
}

async function readModelsMap(path: string): Promise<Record<string, string>> {
  const value: unknown = parseYaml(await readFile(path, 'utf8'));
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return {};
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>).filter(
      (entry): entry is [string, string] => typeof entry[1] === 'string',
    ),
  );
}

/**
 * Learning from the gateway's own traffic, configured by `routing.learning` (read at each event, so a
 * reload applies): with `prompt_log`, each answered request's prompt is kept by request id (the
 * ledger keeps no prompt text); a cascade's rejected answers become outcomes with score 0 at once;
 * `/v1/feedback` (and judge scores) on a request become outcomes of the model that answered it,
 * joined with the ledger for that model and its cost. Outcomes are appended to `outcome_log`. With
 * `retrain_every`, every that many new outcomes the router is refitted in a worker thread from
 * `base_data` plus every outcome learnt, written to `routing.learned_model`, and — when the classifier
 * is `learned` — swapped into the running gateway.
 */
export function createRouterLearning(options: {
  core: GatewayCore;
  ledger: Pick<Ledger, 'flush' | 'requestDetail'>;
}): RouterLearning {
  const { core, ledger } = options;
  const settings = () => core.runtime.config.routing.learning;
  const recent = new Map<string, PromptLogEntry>();
  let promptLog: PromptLog | undefined;
  let pendingFeedback: FeedbackRecord[] = [];
  let sinceRefit = 0;
  let outcomes = 0;
  let retrains = 0;
  let lastError: string | undefined;
  let work: Promise<void> = Promise.resolve();
  let baseRows: { key: string; rows: OutcomeRow[] } | undefined;

  const fail = (error: unknown, what: string) => {
    lastError = `${what}: ${error instanceof Error ? error.message : String(error)}`;
    core.logger.warn({ err: error }, `router learning: ${what} failed`);
  };
  const logFor = (path: string): PromptLog => {
    if (promptLog?.path !== path) {
      void promptLog?.close();
      promptLog = createPromptLog({ path, onError: (error) => fail(error, 'prompt log write') });
    }
    return promptLog;
  };
  const remember = (entry: PromptLogEntry) => {
    recent.delete(entry.requestId);
    recent.set(entry.requestId, entry);
    if (recent.size > RECENT_PROMPTS) recent.delete(recent.keys().next().value as string);
  };

  const addOutcomes = async (rows: OutcomeRow[]): Promise<void> => {
    if (rows.length === 0) return;
    const path = settings().outcome_log;
    await mkdir(dirname(path), { recursive: true });
    await appendFile(path, rows.map((row) => `${JSON.stringify(row)}\n`).join(''), 'utf8');
    outcomes += rows.length;
    sinceRefit += rows.length;
    const every = settings().retrain_every;
    if (every !== undefined && sinceRefit >= every) {
      sinceRefit = 0;
      await retrainNow();
    }
  };

  const loadBase = async (): Promise<OutcomeRow[]> => {
    const paths = settings().base_data;
    const key = paths.join('\n');
    if (baseRows?.key !== key) {
      const rows: OutcomeRow[] = [];
      for (const path of paths) rows.push(...(await readOutcomeFile(path)));
      baseRows = { key, rows };
    }
    return baseRows.rows;
  };

  const retrainNow = async (): Promise<LearnedRouter> => {
    const routing = core.runtime.config.routing;
    let learnt: OutcomeRow[] = [];
    try {
      learnt = parseOutcomeJsonl(await readFile(routing.learning.outcome_log, 'utf8'));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    const modelsMap = {
      ...(routing.learning.models_map ? await readModelsMap(routing.learning.models_map) : {}),
      ...modelsMapFromConfig(core.runtime.config),
    };
    const router = await fitRouterInWorker({ rows: [...(await loadBase()), ...learnt], options: { modelsMap } });
    if (routing.learned_model) {
      // Written whole then renamed: a reload never reads half a file.
      const temporary = `${routing.learned_model}.${process.pid}.tmp`;
      await writeFile(temporary, `${JSON.stringify(router.toFile())}\n`, 'utf8');
      await rename(temporary, routing.learned_model);
    }
    if (core.runtime.config.routing.classifier === 'learned') {
      core.autoRouter = createPolicyRouter({ config: core.runtime.config.routing, learned: router });
    }
    retrains += 1;
    core.logger.info({ prompts: router.toFile().training.prompts, retrains }, 'router refitted from outcomes');
    return router;
  };

  const enqueue = (task: () => Promise<unknown>): Promise<void> => {
    work = work.then(task).then(
      () => undefined,
      (error: unknown) => fail(error, 'learning'),
    );
    return work;
  };

  const processFeedback = async (): Promise<void> => {
    const batch = pendingFeedback;
    pendingFeedback = [];
    if (batch.length === 0) return;
    await ledger.flush();
    const rows: OutcomeRow[] = [];
    for (const feedback of batch) {
      const entry = recent.get(feedback.requestId);
      if (!entry) continue;
      const detail = await ledger.requestDetail(feedback.requestId);
      const request = detail?.request;
      if (!detail || !request || request.outcome !== 'success' || !request.provider || !request.model) continue;
      if (request.cacheStatus.startsWith('hit')) continue;
      const answering = detail.attempts.filter((attempt) => attempt.outcome === 'success').at(-1);
      rows.push(
        ...outcomesOfRequest({
          // Rejections were counted when the request was answered.
          entry: { ...entry, rejected: [] },
          source: {
            model: `${request.provider}/${request.model}`,
            costUsd: answering?.costUsd ?? request.costUsd,
            feedback: [{ score: feedback.score, label: feedback.label }],
          },
        }),
      );
    }
    await addOutcomes(rows);
  };

  return {
    answered(event: AnsweredEvent) {
      const path = settings().prompt_log;
      if (path === undefined) return;
      const rejected = event.rejected.map((answer) => ({
        model: `${answer.deployment.provider.name}/${answer.deployment.upstreamModel}`,
        failure: answer.failure,
        costUsd:
          answer.usage && answer.deployment.price
            ? computeCost({ usage: answer.usage, price: answer.deployment.price })
            : 0,
      }));
      const entry: PromptLogEntry = {
        requestId: event.context.requestId,
        at: event.context.startedAtEpochMs,
        prompt: promptText(event.request).task,
        ...(rejected.length > 0 ? { rejected } : {}),
      };
      if (entry.prompt === '') return;
      logFor(path).record(entry);
      remember(entry);
      if (rejected.length > 0) void enqueue(() => addOutcomes(outcomesOfRequest({ entry, source: undefined })));
    },
    feedback(feedback) {
      if (settings().prompt_log === undefined || !recent.has(feedback.requestId)) return;
      pendingFeedback.push(feedback);
      void enqueue(processFeedback);
    },
    stats: () => ({ outcomes, retrains, lastError }),
    idle: async () => {
      let current: Promise<void>;
      do {
        current = work;
        await current;
      } while (current !== work);
    },
    retrain: async () => {
      let router: LearnedRouter | undefined;
      await enqueue(async () => {
        router = await retrainNow();
      });
      if (!router) throw new Error(lastError ?? 'router refit failed');
      return router;
    },
    close: async () => {
      await work;
      await promptLog?.flush();
      await promptLog?.close();
    },
  };
}
