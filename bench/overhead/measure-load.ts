import autocannon from 'autocannon';

/** One load cell's figures. Latencies in milliseconds, to the last byte of the response. */
export interface LoadMeasurement {
  /** Completed 2xx responses per second over the measured window. */
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  meanMs: number;
  /** 2xx responses measured. */
  responses: number;
  /** Non-2xx responses, socket errors and timeouts: any of these makes the cell suspect. */
  failures: number;
}

/** What to send. */
export interface LoadPlan {
  url: string;
  headers: Record<string, string>;
  body: string;
  connections: number;
  durationSeconds: number;
}

function percentile(sorted: Float64Array, share: number): number {
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil(share * sorted.length) - 1));
  return sorted[index] as number;
}

/**
 * Runs autocannon with a fixed number of connections (closed loop) and keeps every latency at
 * sub-millisecond precision: autocannon's own histogram rounds to whole milliseconds, too coarse
 * for a 1 ms overhead target.
 */
export async function measureLoad(plan: LoadPlan): Promise<LoadMeasurement> {
  let latencies = new Float64Array(1 << 16);
  let count = 0;
  const started = performance.now();
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url: plan.url,
        method: 'POST',
        headers: { 'content-type': 'application/json', ...plan.headers },
        body: plan.body,
        connections: plan.connections,
        duration: plan.durationSeconds,
        timeout: 10,
      },
      (error, finished) => (error ? reject(error) : resolve(finished)),
    );
    instance.on('response', (_client, statusCode, _bytes, responseTime) => {
      if (statusCode < 200 || statusCode >= 300) return;
      if (count === latencies.length) {
        const grown = new Float64Array(latencies.length * 2);
        grown.set(latencies);
        latencies = grown;
      }
      latencies[count++] = responseTime;
    });
  });
  const elapsedSeconds = (performance.now() - started) / 1000;
  const sorted = latencies.slice(0, count).sort();
  let total = 0;
  for (const value of sorted) total += value;
  return {
    requestsPerSecond: count / (result.duration > 0 ? result.duration : elapsedSeconds),
    p50Ms: percentile(sorted, 0.5),
    p99Ms: percentile(sorted, 0.99),
    meanMs: count > 0 ? total / count : Number.NaN,
    responses: count,
    failures: result.non2xx + result.errors,
  };
}
