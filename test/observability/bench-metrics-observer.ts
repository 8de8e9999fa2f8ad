/**
 * How long the metrics observer takes per settled request (it runs on the request path).
 * Run: `node --import tsx test/observability/bench-metrics-observer.ts`
 */
import { createGateway } from '../../src/gateway/create-gateway.js';
import type { Deployment } from '../../src/gateway/deployment.js';
import { createLogger } from '../../src/logging/create-logger.js';
import { createMetrics } from '../../src/metrics/create-metrics.js';
import type { SettledRequest } from '../../src/stages/settle/settled-request.js';

const gateway = await createGateway({ environment: {}, logger: createLogger({ level: 'silent' }), batch: false });
const deployment = gateway.core.runtime.deployments.get('simulated/sim-small') as Deployment;
const tenants = Array.from({ length: 80 }, (_, index) => `tenant-${index}`);
const features = ['search', 'chat', 'summarise', 'extract'];

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
  return {
    requestId: `req-${index}`,
    startedAtEpochMs: Date.now(),
    tenant: tenants[index % tenants.length] as string,
    feature: features[index % features.length] as string,
    keyId: undefined,
    protocol: 'openai',
    requestedModel: 'auto',
    route: { rule: 'complexity', reason: 'score 0.2', tier: 'fast' },
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
    attempts: [
      {
        deployment,
        startedAtEpochMs: Date.now(),
        latencyMs: 299,
        ttftMs: 49,
        error: undefined,
        usage,
        costUsd: 0.0001,
      },
    ],
    stream: true,
    batch: false,
    outcome: 'success',
    errorCode: undefined,
    httpStatus: 200,
    warnings: [],
  };
}

const metrics = createMetrics({ processMetrics: false });
const requests = Array.from({ length: 1_000 }, (_, index) => request(index));
const rounds = 200;
for (let warm = 0; warm < 20_000; warm++)
  metrics.observer.onSettled(requests[warm % requests.length] as SettledRequest);
// CPU time rather than wall time: the figure should not depend on what else the machine runs.
const started = process.cpuUsage();
for (let round = 0; round < rounds; round++) {
  for (const settled of requests) metrics.observer.onSettled(settled);
}
const used = process.cpuUsage(started);
const calls = rounds * requests.length;
const nanoseconds = ((used.user + used.system) * 1000) / calls;
console.log(`metrics observer: ${Math.round(nanoseconds)} ns of CPU per settled request (${calls} calls)`);
const scrapeStarted = performance.now();
const text = await metrics.scrape();
console.log(`scrape: ${(performance.now() - scrapeStarted).toFixed(1)} ms, ${text.length} bytes`);
await gateway.close();
