/**
 * What OTLP trace export costs per settled request: the part on the request path (the observer only
 * samples and queues) and the whole of it (spans built after the fact, serialised to OTLP/JSON and
 * POSTed to a local collector that discards them). CPU time, so that other load on the machine
 * matters less.
 * Run: `node --import tsx test/observability/bench-tracing-observer.ts`
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { configSchema } from '../../src/config/config-schema.js';
import { createGateway } from '../../src/gateway/create-gateway.js';
import type { Deployment } from '../../src/gateway/deployment.js';
import { createLogger } from '../../src/logging/create-logger.js';
import type { SettledRequest } from '../../src/stages/settle/settled-request.js';
import { createTracing } from '../../src/tracing/create-tracing.js';

const logger = createLogger({ level: 'silent' });
const gateway = await createGateway({ environment: {}, logger, config: { storage: { ledger: 'off' } } });
const deployment = gateway.core.runtime.deployments.get('simulated/sim-small') as Deployment;
let received = 0;
const collector = createServer((request, response) => {
  request.on('data', (chunk: Buffer) => {
    received += chunk.length;
  });
  request.on('end', () => response.end('{}'));
});
await new Promise<void>((resolve) => collector.listen(0, '127.0.0.1', resolve));
const endpoint = `http://127.0.0.1:${(collector.address() as AddressInfo).port}/v1/traces`;

function request(index: number): SettledRequest {
  const usage = {
    uncachedInputTokens: 200 + (index % 50),
    cacheReadInputTokens: index % 3 === 0 ? 1_024 : 0,
    cacheWriteInputTokens: 0,
    cacheWrite1hInputTokens: 0,
    outputTokens: 80,
    reasoningTokens: 0,
    source: 'reported' as const,
  };
  const startedAtEpochMs = Date.now();
  return {
    requestId: `req-${index}`,
    startedAtEpochMs,
    tenant: `tenant-${index % 80}`,
    feature: 'search',
    keyId: undefined,
    protocol: 'openai',
    requestedModel: 'auto',
    route: { rule: 'complexity', reason: 'score 0.2 < 0.35', tier: 'fast' },
    provider: 'simulated',
    model: 'sim-small',
    usage,
    costUsd: 0.0001,
    counterfactualCostUsd: 0.001,
    priced: true,
    cacheStatus: 'miss',
    latencyMs: 300,
    ttftMs: 50,
    overheadMs: 0.8,
    attempts: [{ deployment, startedAtEpochMs, latencyMs: 299, ttftMs: 49, error: undefined, usage, costUsd: 0.0001 }],
    stream: true,
    batch: false,
    outcome: 'success',
    errorCode: undefined,
    httpStatus: 200,
    warnings: [],
  };
}

const config = configSchema.parse({ tracing: { enabled: true, endpoint, export_interval_ms: 60_000 } }).tracing;
// Spans built and handed to an exporter that drops them: the SDK's share, without OTLP serialisation.
const discarding = await createTracing({
  config,
  logger,
  exporter: { export: (_spans, done) => done({ code: 0 }), shutdown: async () => {} },
});
const tracing = await createTracing({ config, logger });
if (!tracing || !discarding) throw new Error('tracing did not start');
const batch = Array.from({ length: 1_000 }, (_, index) => request(index));
const cpu = (since: NodeJS.CpuUsage) => {
  const used = process.cpuUsage(since);
  return (used.user + used.system) * 1_000;
};
const run = async (target: typeof tracing, rounds: number): Promise<{ pathNs: number; totalNs: number }> => {
  let pathNs = 0;
  let totalNs = 0;
  for (let round = 0; round < rounds; round++) {
    const started = process.cpuUsage();
    for (const settled of batch) target.observer.onSettled(settled);
    pathNs += cpu(started);
    await target.flush();
    totalNs += cpu(started);
  }
  return { pathNs, totalNs };
};
const rounds = 30;
const calls = rounds * batch.length;
await run(discarding, 5);
const built = await run(discarding, rounds);
console.log(
  `spans built (2 per request), no export: ${(built.totalNs / calls / 1_000).toFixed(1)} µs of CPU per request`,
);
await run(tracing, 5);
const { pathNs, totalNs } = await run(tracing, rounds);
console.log(`tracing observer on the request path: ${Math.round(pathNs / calls)} ns of CPU per settled request`);
console.log(
  `spans built, serialised and sent (2 spans per request): ${(totalNs / calls / 1_000).toFixed(1)} µs of CPU per request, ${Math.round(received / (calls + 5 * batch.length))} bytes of OTLP/JSON per request (${calls} requests, dropped ${tracing.droppedRequests})`,
);
await tracing.close();
await discarding.close();
collector.close();
await gateway.close();
