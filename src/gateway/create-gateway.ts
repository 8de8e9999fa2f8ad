import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { createAdminHandlers } from '../admin/create-admin-handlers.js';
import { type BatchLane, createBatchLane } from '../batch/create-batch-lane.js';
import { isDispatchedInProcess } from '../batch/dispatch-in-process.js';
import { registerBatchMetrics } from '../batch/register-batch-metrics.js';
import type { BatchStoreTarget } from '../batch/store/open-batch-store.js';
import { createCacheLayer, type GatewayCacheLayer } from '../cache/create-cache-layer.js';
import { createProviderEmbedder } from '../cache/embedders/create-provider-embedder.js';
import { ConfigError, type LoadedConfig, loadConfig, validateConfig } from '../config/load-config.js';
import { createDashboardHandler } from '../dashboard/create-dashboard-handler.js';
import { createUndiciTransport } from '../http/create-undici-transport.js';
import type { HttpTransport } from '../http/http-transport.js';
import { createLedger } from '../ledger/create-ledger.js';
import type { Ledger } from '../ledger/ledger.js';
import { createLogger, type Logger } from '../logging/create-logger.js';
import { createMetrics } from '../metrics/create-metrics.js';
import { anthropicProtocol } from '../protocols/anthropic/anthropic-protocol.js';
import { openAiProtocol } from '../protocols/openai/openai-protocol.js';
import type { SimulationHooks } from '../providers/create-provider-adapter.js';
import { createResilienceLayers, type ResilienceLayers } from '../resilience/create-resilience-layers.js';
import { attachRoutingServices, type RoutingServices } from '../routing/attach-routing-services.js';
import { loadRouter } from '../routing/learned/load-router.js';
import { createPolicyRouter } from '../routing/policy/create-policy-router.js';
import { RouteTable } from '../server/route-table.js';
import { GatewayError, toGatewayError } from '../spec/index.js';
import { type AttemptGuard, openAttemptGuard } from '../stages/attempt/attempt-guard.js';
import { DEFAULT_RETRY_POLICY } from '../stages/attempt/retry-policy.js';
import { authenticate } from '../stages/auth/authenticate.js';
import { type BudgetLayer, unlimitedBudgets } from '../stages/budget/budget-layer.js';
import type { CacheLayer } from '../stages/cache/cache-layer.js';
import { sendError, sendJson } from '../stages/respond/write-response.js';
import { type LatencyEstimator, noLatencyData } from '../stages/route/latency-estimator.js';
import type { AutoRouter } from '../stages/route/resolve-route.js';
import { createLedgerObserver } from '../stages/settle/create-ledger-observer.js';
import type { SettleObserver } from '../stages/settle/settled-request.js';
import { countChatRequestTokens, preloadEncoding } from '../tokens/count-tokens.js';
import { createTracing } from '../tracing/create-tracing.js';
import { createRuntime, type Runtime } from './create-runtime.js';
import type { GatewayCore } from './gateway-core.js';
import { handleChat } from './handle-chat.js';
import { handleEmbeddings } from './handle-embeddings.js';
import { type FeedbackListener, handleFeedback } from './handle-feedback.js';
import { listModels } from './list-models.js';

/** How to build a gateway. Every field is optional: the default is `npm start`'s embedded gateway. */
export interface CreateGatewayOptions {
  /** Path of a tollgate.yaml; ignored when `config` is given. */
  configPath?: string;
  /** A config document (as parsed from YAML), for tests and embedding. */
  config?: unknown;
  /** Environment for provider keys (default `process.env`). */
  environment?: NodeJS.ProcessEnv;
  /** Upstream HTTP client (default: undici with keep-alive pools). */
  transport?: HttpTransport;
  /** Clock and randomness for the simulated provider (virtual time in replay). */
  simulation?: SimulationHooks;
  /** Logger (default: pino to stdout). */
  logger?: Logger;
  /** Extra receivers of settled requests. */
  observers?: SettleObserver[];
  /** Breakers, limits and queues (default: none). */
  guard?: AttemptGuard;
  /** Budgets (default: none). */
  budgets?: BudgetLayer;
  /** Answer cache (default: built from `cache` in the config). */
  cache?: CacheLayer;
  /** Observed latency per deployment (default: none observed). */
  latency?: LatencyEstimator;
  /** The ledger (default: built from `storage` in the config; closed by `close()` only when built here). */
  ledger?: Ledger;
  /**
   * The batch lane (`/v1/files`, `/v1/batches`, `/v1/messages/batches`, batch-priority admission):
   * mounted when `batch.enabled` (the default), with its job store from the config unless `store` is
   * given; `false` leaves it out (replay, benchmarks).
   */
  batch?: false | { store?: BatchStoreTarget; now?: () => number };
  /** Random source for shadow sampling and the judge's answer order (tests; default Math.random). */
  routingRandom?: () => number;
  /**
   * The clock the policy router ages recently sent prefixes on (default `Date.now`); a replay passes
   * its virtual clock, since whether a prefix is still in a provider's cache depends on trace time.
   */
  routerClock?: () => number;
}

/** A running or runnable gateway. */
export interface Gateway {
  /** The request-path state (runtime swaps on reload). */
  readonly core: GatewayCore;
  /** The node:http handler, to mount in another server. */
  handle(request: IncomingMessage, response: ServerResponse): void;
  /** Listens; resolves with the base URL (e.g. `http://127.0.0.1:4000`). */
  listen(options?: { host?: string; port?: number }): Promise<string>;
  /** The request ledger. */
  readonly ledger: Ledger;
  /** Budgets, limits, breakers and virtual keys (undefined when the caller supplied its own guard and budgets). */
  readonly resilience: ResilienceLayers | undefined;
  /** Receivers of `/v1/feedback` (the ledger is always one). */
  readonly feedbackListeners: FeedbackListener[];
  /** The batch lane, when mounted. */
  readonly batch: BatchLane | undefined;
  /** Shadow mode, the judge and the learned router's refits (idle unless `routing.shadow` / `routing.learning`). */
  readonly routing: RoutingServices;
  /** Re-reads and validates the config; on error the old config stays and the error is thrown. */
  reload(): Promise<void>;
  /** Stops listening and closes upstream pools. */
  close(): Promise<void>;
}

/** Builds a gateway (the library entry point: `import { createGateway } from 'tollgate'`). */
export async function createGateway(options: CreateGatewayOptions = {}): Promise<Gateway> {
  const environment = options.environment ?? process.env;
  const logger = options.logger ?? createLogger();
  const ownTransport = options.transport ? undefined : createUndiciTransport();
  const transport = options.transport ?? (ownTransport as HttpTransport);

  const load = (): LoadedConfig => {
    if (options.config !== undefined) {
      const { config, simulated } = validateConfig({
        document: options.config,
        source: 'the given config',
        environment,
      });
      return { config, simulated, path: undefined };
    }
    return loadConfig({ path: options.configPath, environment });
  };
  const build = (loaded: LoadedConfig): Runtime =>
    createRuntime({
      config: loaded.config,
      simulated: loaded.simulated,
      transport,
      environment,
      simulation: options.simulation,
    });

  const loaded = load();
  const runtime = build(loaded);
  const buildRouter = async (config: Runtime['config']): Promise<AutoRouter> => {
    const routing = config.routing;
    const clock = options.routerClock ? { now: options.routerClock } : {};
    if (routing.classifier !== 'learned') return createPolicyRouter({ config: routing, ...clock });
    if (!routing.learned_model)
      throw new ConfigError('routing.learned_model: the learned classifier needs a router.json path');
    return createPolicyRouter({ config: routing, learned: await loadRouter(routing.learned_model), ...clock });
  };
  // The tokenizer's tables take ~0.5 s to load and its first count another ~0.2 s: when requests will
  // be counted (limits, budgets, TPM buckets, virtual keys, the simulator), pay that at start, not on a
  // user's first request; otherwise it loads only if a cut stream ever needs counting.
  const config = runtime.config;
  const counting =
    config.server.max_input_tokens !== undefined ||
    config.budgets.length > 0 ||
    environment[config.server.master_key_env] !== undefined ||
    config.providers.some((provider) => provider.limits.tpm !== undefined || provider.kind === 'simulated');
  if (counting) {
    preloadEncoding('o200k_base');
    countChatRequestTokens({
      model: 'warm-up',
      stream: false,
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'Warm the tokenizer up before the first request arrives.' }] },
      ],
    });
  }
  const ledger = options.ledger ?? (await createLedger(ledgerConfig(runtime, environment), { logger }));
  const ownCache = options.cache
    ? undefined
    : await createCacheLayer({ config: runtime.config, logger, embedder: providerEmbedder(runtime) });
  const cache = options.cache ?? (ownCache as GatewayCacheLayer);
  const feedbackListeners: FeedbackListener[] = [(feedback) => ledger.recordFeedback(feedback)];
  if (ownCache) {
    feedbackListeners.push((feedback) => {
      const good = feedback.label === null && (feedback.score === null || feedback.score >= 0.5);
      ownCache.recordCacheFeedback({ requestId: feedback.requestId, good }).catch((error: unknown) => {
        logger.warn({ err: error }, 'cache feedback failed');
      });
    });
  }
  let currentConfig = runtime.config;
  const resilience =
    options.guard && options.budgets
      ? undefined
      : await createResilienceLayers({
          config: () => currentConfig,
          logger,
          environment,
          masterKey: () => environment[currentConfig.server.master_key_env] || undefined,
          // Alerts fire on requests, long after `admin` below exists.
          onBudgetAlert: (alert) => admin.recordAlert(alert),
        });
  const masterKey = (): string | undefined => environment[currentConfig.server.master_key_env] || undefined;
  const metrics = createMetrics({
    maxTenants: config.metrics.max_tenants,
    maxFeatures: config.metrics.max_features,
    snapshot: resilience?.snapshot,
    ledgerStats: () => ledger.stats(),
  });
  const tracing = await createTracing({ config: config.tracing, logger });
  const admin = createAdminHandlers({ ledger, masterKey, snapshot: resilience?.snapshot, logger });
  const dashboard = createDashboardHandler({ masterKey, logger });
  const core: GatewayCore = {
    runtime,
    logger,
    masterKey: environment[runtime.config.server.master_key_env] || undefined,
    keys: resilience?.keys.resolver,
    autoRouter: await buildRouter(runtime.config),
    latency: options.latency ?? resilience?.latency ?? noLatencyData,
    guard: options.guard ?? resilience?.guard ?? openAttemptGuard,
    retryPolicy: { ...DEFAULT_RETRY_POLICY, maxRetries: runtime.config.server.max_retries },
    observers: [
      createLedgerObserver(ledger),
      ...(resilience ? [resilience.observer] : []),
      metrics.observer,
      admin.observer,
      ...(tracing ? [tracing.observer] : []),
      ...(options.observers ?? []),
    ],
    budgets: options.budgets ?? resilience?.budgets ?? unlimitedBudgets,
    cache,
  };
  // Shadow runs, the judge and in-service refits of the learned router (each off unless configured).
  const routingServices = attachRoutingServices({
    core,
    ledger,
    feedbackListeners,
    registry: metrics.registry,
    ...(options.routingRandom ? { random: options.routingRandom } : {}),
  });
  announce(logger, loaded);

  const reload = async (): Promise<void> => {
    const next = build(load());
    const autoRouter = await buildRouter(next.config);
    core.runtime = next;
    core.autoRouter = autoRouter;
    currentConfig = next.config;
    core.retryPolicy = { ...core.retryPolicy, maxRetries: next.config.server.max_retries };
    logger.info({ providers: next.config.providers.map((p) => p.name) }, 'configuration reloaded');
  };

  const requireMaster = (request: IncomingMessage): void => {
    if (core.masterKey === undefined) return;
    const caller = authenticate({ headers: request.headers, masterKey: core.masterKey, keys: undefined });
    if (!caller.master) throw new GatewayError({ code: 'permission', message: 'This route needs the master key.' });
  };

  const routes = new RouteTable()
    .add('/v1/chat/completions', {
      POST: (request, response) => handleChat({ core, protocol: openAiProtocol, request, response }),
    })
    .add('/v1/messages', {
      POST: (request, response) => handleChat({ core, protocol: anthropicProtocol, request, response }),
    })
    .add('/v1/embeddings', { POST: (request, response) => handleEmbeddings({ core, request, response }) })
    .add('/v1/models', {
      GET: (_request, response) =>
        sendJson({ response, status: 200, body: listModels(core.runtime, Math.floor(Date.now() / 1000)), headers: {} }),
    })
    .add('/healthz', {
      GET: (_request, response) => sendJson({ response, status: 200, body: { status: 'ok' }, headers: {} }),
    })
    .add('/readyz', {
      GET: async (_request, response) => {
        const [ledgerUp, sharedStateUp] = await Promise.all([
          ledger.ping().catch(() => false),
          resilience ? resilience.ready().catch(() => false) : Promise.resolve(true),
        ]);
        const ready = ledgerUp && sharedStateUp;
        sendJson({
          response,
          status: ready ? 200 : 503,
          body: { status: ready ? 'ready' : 'not ready', ledger: ledgerUp, sharedState: sharedStateUp },
          headers: {},
        });
      },
    })
    .add('/v1/feedback', {
      POST: (request, response) =>
        handleFeedback({
          request,
          response,
          maxBodyBytes: core.runtime.config.server.max_body_bytes,
          listeners: feedbackListeners,
        }),
    })
    .addPrefix(
      '/admin/keys',
      resilience
        ? { GET: resilience.admin.handle, POST: resilience.admin.handle, DELETE: resilience.admin.handle }
        : {},
    )
    .add('/metrics', { GET: (request, response) => metrics.handler(request, response) })
    .add('/admin/usage', { GET: admin.handle })
    .add('/admin/timeseries', { GET: admin.handle })
    .add('/admin/requests', { GET: admin.handle })
    .addPrefix('/admin/requests/', { GET: admin.handle })
    .add('/admin/budgets', { GET: admin.handle })
    .add('/admin/alerts', { GET: admin.handle })
    .add('/admin/events', { GET: admin.handle })
    .add('/dashboard', { GET: dashboard })
    .addPrefix('/dashboard/', { GET: dashboard, POST: dashboard })
    .add('/admin/config/reload', {
      POST: async (request, response) => {
        requireMaster(request);
        try {
          await reload();
        } catch (error) {
          if (error instanceof ConfigError) {
            throw new GatewayError({
              code: 'invalid_request',
              message: `Reload rejected; the previous configuration stays. ${error.message}`,
            });
          }
          throw error;
        }
        sendJson({ response, status: 200, body: { reloaded: true }, headers: {} });
      },
    });

  // Batch lines run through `handle` itself, so the lane is built once `handle` exists (below).
  let batch: BatchLane | undefined;
  const handle = (request: IncomingMessage, response: ServerResponse): void => {
    batch?.track(request, response);
    const url = new URL(request.url ?? '/', 'http://gateway.invalid');
    const protocol = url.pathname.endsWith('/messages') ? anthropicProtocol : openAiProtocol;
    const fail = (thrown: unknown): void => {
      const error = toGatewayError(thrown);
      if (error.code === 'internal') logger.error({ err: thrown }, 'internal error');
      sendError({ response, protocol, error, headers: {} });
    };
    const methods = routes.find(url.pathname);
    if (!methods) {
      fail(new GatewayError({ code: 'not_found', message: `No route ${request.method} ${url.pathname}.` }));
      return;
    }
    const handler = methods[request.method as keyof typeof methods];
    if (!handler) {
      fail(
        new GatewayError({
          code: 'method_not_allowed',
          message: `${request.method} is not allowed on ${url.pathname}.`,
        }),
      );
      return;
    }
    try {
      const pending = handler(request, response, url);
      if (pending) pending.catch(fail);
    } catch (error) {
      fail(error);
    }
  };

  if (options.batch !== false && runtime.config.batch.enabled) {
    const lane = await createBatchLane({
      gateway: { core, handle },
      environment,
      ...(options.batch?.store ? { store: options.batch.store } : {}),
      ...(options.batch?.now ? { now: options.batch.now } : {}),
    });
    lane.mount(routes);
    registerBatchMetrics({ registry: metrics.registry, lane });
    // Lines the lane dispatches already hold one of its slots; clients' batch-priority requests queue.
    core.admitBatch = ({ request, context }) =>
      isDispatchedInProcess(request)
        ? Promise.resolve(() => {})
        : lane.admit({ context, signal: context.abort.signal });
    batch = lane;
  }

  let server: Server | undefined;
  return {
    core,
    ledger,
    resilience,
    feedbackListeners,
    batch,
    routing: routingServices,
    handle,
    reload,
    listen: (listenOptions = {}) =>
      new Promise((resolve, reject) => {
        server = createServer({ keepAliveTimeout: 65_000 }, handle);
        server.on('error', reject);
        const host = listenOptions.host ?? core.runtime.config.server.host;
        server.listen(listenOptions.port ?? core.runtime.config.server.port, host, () => {
          const address = server?.address() as AddressInfo;
          resolve(`http://${host}:${address.port}`);
        });
      }),
    close: async () => {
      if (server) {
        server.closeAllConnections();
        await new Promise<void>((resolve) => server?.close(() => resolve()));
      }
      await batch?.close();
      await routingServices.close();
      await ownTransport?.close();
      await ownCache?.close();
      await resilience?.close();
      admin.close();
      await tracing?.close();
      if (!options.ledger) await ledger.close();
    },
  };
}

/** For `cache.semantic.embedder: provider:<provider>/<model>`: an embedder over that deployment. */
function providerEmbedder(runtime: Runtime) {
  const semantic = runtime.config.cache.semantic;
  if (!runtime.config.cache.enabled || !semantic.enabled || !semantic.embedder.startsWith('provider:'))
    return undefined;
  const id = semantic.embedder.slice('provider:'.length);
  const deployment = runtime.deployments.get(id);
  const embed = deployment?.adapter.embed;
  // The same test as /v1/embeddings: the model must be declared able to embed, not only its adapter.
  if (!deployment || !embed || !deployment.capabilities.has('embeddings'))
    throw new ConfigError(`cache.semantic.embedder: "${id}" is not a configured deployment with embeddings`);
  // The schema requires embedding_dimensions whenever the embedder is a provider's.
  const dimensions = semantic.embedding_dimensions as number;
  return createProviderEmbedder({
    id,
    dimensions,
    embed: async (texts) => {
      const answer = await embed(
        { model: deployment.upstreamModel, input: texts, dimensions },
        { upstreamModel: deployment.upstreamModel, signal: AbortSignal.timeout(10_000), warn: () => {} },
      );
      return answer.embeddings;
    },
  });
}

function ledgerConfig(runtime: Runtime, environment: NodeJS.ProcessEnv): Parameters<typeof createLedger>[0] {
  const storage = runtime.config.storage;
  if (storage.ledger === 'off') return { kind: 'off' };
  if (storage.ledger === 'sqlite') return { kind: 'sqlite', path: storage.sqlite_path };
  const url = environment[storage.postgres_url_env];
  if (!url)
    throw new ConfigError(`storage.ledger is postgres but ${storage.postgres_url_env} is not set in the environment`);
  return { kind: 'postgres', url, journalDir: join(dirname(storage.sqlite_path), 'journal') };
}

function announce(logger: Logger, loaded: LoadedConfig): void {
  const providers = loaded.config.providers.map((provider) => `${provider.name} (${provider.kind})`);
  logger.info({ config: loaded.path ?? 'embedded default', providers }, 'configuration loaded');
  if (loaded.simulated) {
    logger.warn(
      'No provider keys found (OPENAI_API_KEY, ANTHROPIC_API_KEY, DEEPSEEK_API_KEY, OPENROUTER_API_KEY, TOLLGATE_LOCAL_BASE_URL): serving the SIMULATED provider. Answers are synthetic.',
    );
  }
}
