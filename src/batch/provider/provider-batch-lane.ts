import { randomBytes } from 'node:crypto';
import type { BatchConfig, ProviderConfig } from '../../config/config-schema.js';
import type { Deployment } from '../../gateway/deployment.js';
import type { GatewayCore } from '../../gateway/gateway-core.js';
import type { HttpTransport } from '../../http/http-transport.js';
import type { Logger } from '../../logging/create-logger.js';
import type { BatchJob } from '../store/batch-records.js';
import type { BatchStore } from '../store/batch-store.js';
import type { Submission } from '../store/submission-store.js';
import { createAnthropicBatchClient } from './create-anthropic-batch-client.js';
import { createOpenAiBatchClient } from './create-openai-batch-client.js';
import { batchProtocolOf, SIMULATED_BASE_URL } from './line-adapter.js';
import { planProviderLine } from './plan-provider-line.js';
import type { ProviderBatchClient, ProviderBatchRequest } from './provider-batch-client.js';
import { settleProviderLine } from './settle-provider-line.js';

/** Lines planned per step, so a 50,000-line batch is planned in slices between other work. */
const PLAN_SLICE = 2_000;

const DEFAULT_BASE_URLS: Record<'openai' | 'anthropic', string> = {
  openai: 'https://api.openai.com/v1',
  anthropic: 'https://api.anthropic.com/v1',
};

/** Options for {@link ProviderBatchLane}. */
export interface ProviderBatchLaneOptions {
  core: GatewayCore;
  store: BatchStore;
  config: () => BatchConfig;
  logger: Logger;
  environment: NodeJS.ProcessEnv;
  /** Reaches real providers' batch APIs (the lane's own undici client). */
  transport: HttpTransport;
  now: () => number;
}

interface PlannedGroup {
  deployment: Deployment;
  requests: ProviderBatchRequest[];
  lines: { index: number; route: string }[];
}

/**
 * The provider half of the batch lane: plans each line (gateway or provider batch), submits the
 * provider-bound lines of a batch as one provider batch per deployment, polls them, and settles
 * their answers at batch prices. A provider batch that fails to submit, is lost, or leaves lines
 * unanswered hands those lines to the gateway lane as new tries.
 */
export class ProviderBatchLane {
  private readonly clients = new Map<string, ProviderBatchClient>();
  private readonly polledAt = new Map<string, number>();
  /** Submissions this process is sending now (others in `submitting` were cut off by a crash). */
  private readonly sending = new Set<string>();

  constructor(private readonly options: ProviderBatchLaneOptions) {}

  /** Plans a slice of a running batch's unplanned lines and submits the provider-bound ones. */
  async plan(job: BatchJob): Promise<void> {
    const { store, config } = this.options;
    if (!config().provider_batches.enabled) {
      await store.submissions.assignUnplanned({ batchId: job.id, lane: 'gateway' });
      return;
    }
    const lines = await store.submissions.unplannedLines({ batchId: job.id, limit: PLAN_SLICE });
    if (lines.length === 0) return;
    const groups = new Map<string, PlannedGroup>();
    const gateway: number[] = [];
    for (const line of lines) {
      const plan = await planProviderLine({
        core: this.options.core,
        job,
        line,
        environment: this.options.environment,
      });
      if (plan.lane === 'gateway') {
        gateway.push(line.index);
        continue;
      }
      const group = groups.get(plan.deployment.id) ?? { deployment: plan.deployment, requests: [], lines: [] };
      group.requests.push({ customId: `line-${line.index}`, body: plan.wireBody });
      group.lines.push({ index: line.index, route: JSON.stringify(plan.route) });
      groups.set(plan.deployment.id, group);
    }
    await store.submissions.assignGateway({ batchId: job.id, indexes: gateway });
    for (const group of groups.values()) await this.submit(job, group);
  }

  private async submit(job: BatchJob, group: PlannedGroup): Promise<void> {
    const { store, logger } = this.options;
    const submission: Submission = {
      id: `sub_${randomBytes(12).toString('hex')}`,
      batchId: job.id,
      provider: group.deployment.provider.name,
      deployment: group.deployment.id,
      providerBatchId: undefined,
      state: 'submitting',
      submittedAt: this.options.now(),
      cancelSent: false,
    };
    this.sending.add(submission.id);
    try {
      await store.submissions.create(submission, group.lines);
      const providerBatchId = await (await this.client(group.deployment.provider)).submit(group.requests);
      await store.submissions.markOpen({ id: submission.id, providerBatchId });
      logger.info(
        { batchId: job.id, provider: submission.provider, providerBatchId, lines: group.lines.length },
        'batch lines sent to the provider batch API',
      );
    } catch (error) {
      logger.warn(
        { err: error, batchId: job.id, provider: submission.provider },
        'provider batch not submitted; its lines run through the gateway',
      );
      await store.submissions.close({ id: submission.id, state: 'lost', leftover: 'gateway' });
    } finally {
      this.sending.delete(submission.id);
    }
  }

  /** How many provider batches of the job are still open (the job cannot end before they do). */
  async openCount(job: BatchJob): Promise<number> {
    return (await this.options.store.submissions.open(job.id)).length;
  }

  /**
   * Polls the job's open provider batches that are due, settles those that ended, and asks the
   * provider to cancel them when the job is cancelling or has expired.
   */
  async poll(job: BatchJob, options: { stopping: boolean }): Promise<void> {
    const { store, logger } = this.options;
    const now = this.options.now();
    const interval = this.options.config().provider_batches.poll_interval_ms;
    for (const submission of await store.submissions.open(job.id)) {
      if (submission.state === 'submitting') {
        // Cut off by a crash before the provider's id was kept: its lines run through the gateway.
        if (!this.sending.has(submission.id)) {
          await store.submissions.close({ id: submission.id, state: 'lost', leftover: 'gateway' });
        }
        continue;
      }
      const deployment = this.options.core.runtime.deployments.get(submission.deployment);
      const providerBatchId = submission.providerBatchId as string;
      if (!deployment) {
        logger.warn({ submission: submission.id }, 'provider batch for a deployment no longer configured; lines rerun');
        await store.submissions.close({ id: submission.id, state: 'lost', leftover: 'gateway' });
        continue;
      }
      const client = await this.client(deployment.provider);
      if (options.stopping && !submission.cancelSent) {
        await client.cancel(providerBatchId).catch((error: unknown) => {
          logger.warn({ err: error, providerBatchId }, 'provider batch cancel failed');
        });
        await store.submissions.markCancelSent(submission.id);
        this.polledAt.delete(submission.id);
      }
      const last = this.polledAt.get(submission.id) ?? (options.stopping ? 0 : submission.submittedAt);
      if (now - last < interval) continue;
      this.polledAt.set(submission.id, now);
      try {
        await this.pollOne({ job, submission, deployment, client, providerBatchId });
      } catch (error) {
        logger.warn({ err: error, providerBatchId }, 'provider batch poll failed; trying again later');
      }
    }
  }

  private async pollOne(options: {
    job: BatchJob;
    submission: Submission;
    deployment: Deployment;
    client: ProviderBatchClient;
    providerBatchId: string;
  }): Promise<void> {
    const { store, logger } = this.options;
    const { job, submission, deployment } = options;
    const polled = await options.client.poll(options.providerBatchId);
    if (polled.state === 'running') return;
    if (polled.state === 'lost') {
      logger.warn(
        { batchId: job.id, providerBatchId: options.providerBatchId },
        'provider batch lost; its lines are planned again',
      );
      await store.submissions.close({ id: submission.id, state: 'lost', leftover: 'replan' });
      this.polledAt.delete(submission.id);
      return;
    }
    const byCustomId = new Map(polled.results.map((result) => [result.customId, result]));
    for (const line of await store.submissions.pendingLines(submission)) {
      const result = byCustomId.get(`line-${line.index}`);
      if (!result) continue;
      const settled = await settleProviderLine({
        core: this.options.core,
        job,
        line,
        deployment,
        result,
        submittedAt: submission.submittedAt,
        environment: this.options.environment,
        now: this.options.now,
      });
      if (settled)
        await store.recordResult({ batchId: job.id, index: line.index, result: settled, at: this.options.now() });
    }
    await store.submissions.close({ id: submission.id, state: 'done', leftover: 'gateway' });
    this.polledAt.delete(submission.id);
    logger.info(
      { batchId: job.id, providerBatchId: options.providerBatchId, answered: polled.results.length },
      'provider batch ended',
    );
  }

  /** One client per provider; a simulated provider's batch API lives in this process. */
  private async client(provider: ProviderConfig): Promise<ProviderBatchClient> {
    const existing = this.clients.get(provider.name);
    if (existing) return existing;
    // Imported for a simulated provider only, when its first batch is sent or polled: a gateway that
    // never batches does not load it at start.
    const createSimulatedBatchTransport =
      provider.kind === 'simulated'
        ? (await import('../../providers/simulated/batch/create-simulated-batch-transport.js'))
            .createSimulatedBatchTransport
        : undefined;
    // A concurrent call may have made the client while this one waited: one transport per provider,
    // since the simulated one keeps its batches in memory.
    const made = this.clients.get(provider.name);
    if (made) return made;
    const protocol = batchProtocolOf(provider) ?? 'openai';
    const simulation = provider.simulation;
    const transport =
      createSimulatedBatchTransport !== undefined
        ? createSimulatedBatchTransport({
            completionDelayMs: this.options.config().provider_batches.simulated_completion_ms,
            ...(simulation
              ? {
                  outputTokens: simulation.output_tokens,
                  faults: simulation.faults.map((fault) => ({
                    kind: fault.kind,
                    probability: fault.probability,
                    retryAfterS: fault.retry_after_s,
                  })),
                }
              : {}),
            models: provider.models.map((model) => model.upstream ?? model.name),
            now: this.options.now,
          })
        : this.options.transport;
    const endpoint = {
      name: provider.name,
      baseUrl: provider.kind === 'simulated' ? SIMULATED_BASE_URL : (provider.base_url ?? DEFAULT_BASE_URLS[protocol]),
      apiKey:
        provider.kind === 'simulated'
          ? 'simulated'
          : provider.api_key_env
            ? this.options.environment[provider.api_key_env]
            : undefined,
      headers: provider.headers,
      timeouts: {
        connectMs: provider.timeouts.connect_ms,
        firstByteMs: provider.timeouts.first_byte_ms,
        idleMs: provider.timeouts.idle_ms,
      },
      transport,
    };
    const client = protocol === 'anthropic' ? createAnthropicBatchClient(endpoint) : createOpenAiBatchClient(endpoint);
    this.clients.set(provider.name, client);
    return client;
  }
}
