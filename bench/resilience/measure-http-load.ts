import autocannon from 'autocannon';

/** Figures of one load cell. Latencies in milliseconds to the last byte, at sub-millisecond precision. */
export interface HttpLoad {
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  responses: number;
  /** Non-2xx responses, socket errors and timeouts. */
  failures: number;
}

/** One target of a cell: a gateway URL with its request. */
export interface LoadTarget {
  url: string;
  headers: Record<string, string>;
  body: string;
}

function percentile(sorted: Float64Array, share: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(share * sorted.length) - 1))] as number;
}

/**
 * Closed-loop load with `connectionsPerTarget` connections on every target at once (three gateway
 * instances get three autocannons), keeping every latency: autocannon's histogram rounds to whole
 * milliseconds, too coarse for a half-millisecond target.
 */
export async function measureHttpLoad(options: {
  targets: LoadTarget[];
  connectionsPerTarget: number;
  durationSeconds: number;
}): Promise<HttpLoad> {
  const latencies: number[] = [];
  let failures = 0;
  const started = performance.now();
  await Promise.all(
    options.targets.map(
      (target) =>
        new Promise<void>((resolve, reject) => {
          const instance = autocannon(
            {
              url: target.url,
              method: 'POST',
              headers: { 'content-type': 'application/json', ...target.headers },
              body: target.body,
              connections: options.connectionsPerTarget,
              duration: options.durationSeconds,
              timeout: 10,
            },
            (error, result) => {
              if (error) {
                reject(error);
                return;
              }
              failures += result.non2xx + result.errors + result.timeouts;
              resolve();
            },
          );
          instance.on('response', (_client, statusCode, _bytes, responseTime) => {
            if (statusCode >= 200 && statusCode < 300) latencies.push(responseTime);
          });
        }),
    ),
  );
  const seconds = (performance.now() - started) / 1000;
  const sorted = Float64Array.from(latencies).sort();
  return {
    requestsPerSecond: sorted.length / Math.max(seconds, options.durationSeconds),
    p50Ms: percentile(sorted, 0.5),
    p99Ms: percentile(sorted, 0.99),
    responses: sorted.length,
    failures,
  };
}
