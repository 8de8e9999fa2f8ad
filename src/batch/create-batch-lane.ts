import type { IncomingMessage, ServerResponse } from 'node:http';
import type { BatchConfig } from '../config/config-schema.js';
import type { GatewayCore } from '../gateway/gateway-core.js';
import { createUndiciTransport } from '../http/create-undici-transport.js';
import type { HttpTransport } from '../http/http-transport.js';
import type { Logger } from '../logging/create-logger.js';
import { anthropicProtocol } from '../protocols/anthropic/anthropic-protocol.js';
import { openAiProtocol } from '../protocols/openai/openai-protocol.js';
import { type RouteMethods, RouteTable } from '../server/route-table.js';
import { createAnthropicBatchHandlers } from './anthropic-batch-handlers.js';
import { BatchCapacity } from './batch-capacity.js';
import { withErrors } from './batch-http.js';
import { createInstanceId } from './batch-ids.js';
import type { BatchLaneContext } from './batch-lane-context.js';
import { BatchRunner } from './batch-runner.js';
import { hasBudgetRoom } from './check-budget-room.js';
import { type BatchAdmission, createBatchAdmission } from './create-batch-admission.js';
import type { GatewayHandle } from './dispatch-in-process.js';
import { InteractiveLoad } from './interactive-load.js';
import { createOpenAiBatchHandlers } from './openai-batch-handlers.js';
import { createOpenAiFileHandlers } from './openai-file-handlers.js';
import { ProviderBatchLane } from './provider/provider-batch-lane.js';
import { lineHeaders, runLine } from './run-line.js';
import type { BatchStore } from './store/batch-store.js';
import { type BatchStoreTarget, batchStoreTarget, openBatchStore } from './store/open-batch-store.js';

/** Options for {@link createBatchLane}. */
export interface CreateBatchLaneOptions {
  /**
   * The gateway: its `handle` runs every line (the same lifecycle as a client request) and its
   * `core` gives auth, budgets, the logger and the live config (`batch:` and `storage:`).
   */
  gateway: { core: GatewayCore; handle: GatewayHandle };
  /** Where the job store lives (default: from the config's `storage` and `batch.sqlite_path`). */
  store?: BatchStoreTarget;
  /** For `storage.postgres_url_env` (default `process.env`). */
  environment?: NodeJS.ProcessEnv;
  /** Default: the gateway's logger. */
  logger?: Logger;
  /** Run batches in this process (default true); false serves the API only. */
  runBatches?: boolean;
  /** Reaches real providers' batch APIs (default: the lane's own undici client, closed with the lane). */
  transport?: HttpTransport;
  now?: () => number;
}

/** A path the lane serves: exact, or a prefix for the routes with ids in them. */
export interface BatchLaneRoute {
  path: string;
  prefix: boolean;
  methods: RouteMethods;
}

/** The batch lane, ready to mount. */
export interface BatchLane {
  /** Every route, with and without the `/v1` prefix. */
  readonly routes: readonly BatchLaneRoute[];
  /** Adds the routes to the gateway's route table. */
  mount(table: RouteTable): void;
  /** Serves the request if it is one of the lane's routes (true), else leaves it alone (false). */
  handle(request: IncomingMessage, response: ServerResponse): boolean;
  /** Counts an incoming request as interactive load while it runs (call for every request). */
  track(request: IncomingMessage, response: ServerResponse): void;
  /** The queue a single `x-tollgate-priority: batch` request waits in before its budget is reserved. */
  readonly admit: BatchAdmission;
  readonly store: BatchStore;
  readonly runner: BatchRunner;
  readonly capacity: BatchCapacity;
  readonly load: InteractiveLoad;
  /** Stops the runner (lines in flight finish or are aborted after 10 s), releases leases, closes the store. */
  close(): Promise<void>;
}

function buildRoutes(lane: BatchLaneContext): BatchLaneRoute[] {
  const openAi = (handler: Parameters<typeof withErrors>[0]['handler']) =>
    withErrors({ protocol: openAiProtocol, logger: lane.logger, handler });
  const anthropic = (handler: Parameters<typeof withErrors>[0]['handler']) =>
    withErrors({ protocol: anthropicProtocol, logger: lane.logger, handler });
  const files = createOpenAiFileHandlers(lane);
  const batches = createOpenAiBatchHandlers(lane);
  const messageBatches = createAnthropicBatchHandlers(lane);
  const routes: BatchLaneRoute[] = [
    { path: '/v1/files', prefix: false, methods: { POST: openAi(files.upload), GET: openAi(files.list) } },
    { path: '/v1/files/', prefix: true, methods: { GET: openAi(files.get), DELETE: openAi(files.remove) } },
    { path: '/v1/batches', prefix: false, methods: { POST: openAi(batches.create), GET: openAi(batches.list) } },
    { path: '/v1/batches/', prefix: true, methods: { GET: openAi(batches.get), POST: openAi(batches.cancel) } },
    {
      path: '/v1/messages/batches',
      prefix: false,
      methods: { POST: anthropic(messageBatches.create), GET: anthropic(messageBatches.list) },
    },
    {
      path: '/v1/messages/batches/',
      prefix: true,
      methods: {
        GET: anthropic(messageBatches.get),
        POST: anthropic(messageBatches.cancel),
        DELETE: anthropic(messageBatches.remove),
      },
    },
  ];
  // The gateway accepts paths without `/v1` too; its route table does that for exact paths only.
  const bare = routes.filter((route) => route.prefix).map((route) => ({ ...route, path: route.path.slice(3) }));
  return [...routes, ...bare];
}

/**
 * The batch lane: the OpenAI Batch API (`/v1/files`, `/v1/batches`) and Anthropic Message Batches
 * (`/v1/messages/batches`) over a durable job store, and a runner that sends every line through the
 * gateway's own handler with `x-tollgate-priority: batch`, at low priority. See docs/batch.md.
 */
export async function createBatchLane(options: CreateBatchLaneOptions): Promise<BatchLane> {
  const { core } = options.gateway;
  const logger = options.logger ?? core.logger;
  const now = options.now ?? Date.now;
  const config = (): BatchConfig => core.runtime.config.batch;
  const store = await openBatchStore(
    options.store ?? batchStoreTarget(core.runtime.config, options.environment ?? process.env),
    { onPoolError: (error) => logger.warn({ err: error }, 'batch store connection error') },
  );
  const environment = options.environment ?? process.env;
  const ownTransport = options.transport ? undefined : createUndiciTransport();
  const providerLane = new ProviderBatchLane({
    core,
    store,
    config,
    logger,
    environment,
    transport: options.transport ?? (ownTransport as HttpTransport),
    now,
  });
  const load = new InteractiveLoad();
  const capacity = new BatchCapacity(() => {
    const current = config();
    return Math.max(current.min_concurrency, current.concurrency - load.inFlight);
  });
  load.onChange(() => capacity.pump());
  const runner = new BatchRunner({
    store,
    capacity,
    owner: createInstanceId(),
    config,
    logger,
    now,
    budgetRoom: (job) => hasBudgetRoom(core, lineHeaders(job, core.masterKey)),
    providerLane,
    runLine: (job, line, signal) =>
      runLine({
        job,
        line,
        handle: options.gateway.handle,
        masterKey: core.masterKey,
        maxAttempts: config().max_attempts,
        budgetWaitMs: config().poll_interval_ms,
        signal,
      }),
  });
  const lane: BatchLaneContext = { core, store, runner, config, logger, now };
  const routes = buildRoutes(lane);
  const table = new RouteTable();
  for (const route of routes) {
    if (route.prefix) table.addPrefix(route.path, route.methods);
    else table.add(route.path, route.methods);
  }
  if (options.runBatches !== false) runner.start();
  let closed = false;
  const admit = createBatchAdmission({ capacity, budgets: () => core.budgets, config, now });
  return {
    routes,
    mount(target) {
      for (const route of routes) {
        if (route.prefix) target.addPrefix(route.path, route.methods);
        else target.add(route.path, route.methods);
      }
    },
    handle(request, response) {
      const url = new URL(request.url ?? '/', 'http://gateway.invalid');
      // `/v1/messages` itself is the gateway's; only its `/batches` children are the lane's.
      const methods = table.find(url.pathname);
      if (!methods) return false;
      const handler = methods[request.method as keyof RouteMethods];
      if (!handler) return false;
      void handler(request, response, url);
      return true;
    },
    track: (request, response) => load.track(request, response),
    admit,
    store,
    runner,
    capacity,
    load,
    async close() {
      if (closed) return;
      closed = true;
      await runner.stop();
      await store.close();
      await ownTransport?.close();
    },
  };
}
