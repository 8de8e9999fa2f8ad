import { Agent, request } from 'undici';
import { createGateway } from '../../src/gateway/create-gateway.js';
import { createLogger } from '../../src/logging/create-logger.js';
import { startInstantMock } from '../overhead/start-instant-mock.js';
import { percentile } from './measure-index.js';

/** Latency of one way of answering, ms. */
export interface LatencyRow {
  path: string;
  p50: number;
  p99: number;
  samples: number;
  /** What the gateway said it did (`x-tollgate-cache`), to show the path was the one meant. */
  cacheStatus: string;
}

const MODEL = 'bench-model';

function body(question: string): string {
  return JSON.stringify({ model: MODEL, temperature: 0, messages: [{ role: 'user', content: question }] });
}

/**
 * Client → gateway → instant mock against client → instant mock, all on 127.0.0.1 and in this
 * process, one request at a time: the gateway's added latency on an exact miss, an exact hit, a
 * semantic miss (the local model embeds the prompt) and a semantic hit (a re-cased paraphrase the
 * exact cache cannot answer). Ledger off, so the numbers are the cache path, not SQLite.
 */
export async function measureGatewayLatency(options: { samples: number }): Promise<LatencyRow[]> {
  const mock = await startInstantMock();
  const agent = new Agent({ keepAliveTimeout: 30_000, connections: 4 });
  const rows: LatencyRow[] = [];
  const post = async (url: string, question: string) => {
    const started = performance.now();
    const response = await request(url, {
      method: 'POST',
      dispatcher: agent,
      headers: { 'content-type': 'application/json' },
      body: body(question),
    });
    await response.body.arrayBuffer();
    const ms = performance.now() - started;
    if (response.statusCode !== 200) throw new Error(`${url} answered ${response.statusCode}`);
    return { ms, cache: String(response.headers['x-tollgate-cache'] ?? '') };
  };
  const record = (path: string, samples: { ms: number; cache: string }[]) => {
    const statuses = [...new Set(samples.map((sample) => sample.cache))].join(', ');
    const times = samples.map((sample) => sample.ms);
    rows.push({
      path,
      p50: percentile(times, 0.5),
      p99: percentile(times, 0.99),
      samples: times.length,
      cacheStatus: statuses,
    });
  };
  const question = (index: number, run: string) =>
    `How can I learn ${run} programming topic number ${index} quickly and well?`;
  try {
    const direct = [];
    for (let index = 0; index < 50; index++) await post(`${mock.url}/chat/completions`, question(index, 'warm'));
    for (let index = 0; index < options.samples; index++) {
      direct.push(await post(`${mock.url}/chat/completions`, question(index, 'direct')));
    }
    record('direct call to the instant mock', direct);
    for (const mode of ['off', 'exact', 'semantic'] as const) {
      const semantic = mode === 'semantic';
      const gateway = await createGateway({
        environment: {},
        logger: createLogger({ level: 'silent' }),
        batch: false,
        config: {
          storage: { ledger: 'off' },
          server: { max_retries: 0 },
          providers: [
            {
              name: 'mock',
              kind: 'openai-compatible',
              base_url: mock.url,
              models: [{ name: MODEL, price_as: 'gpt-5.4-nano' }],
            },
          ],
          cache: { enabled: mode !== 'off', semantic: { enabled: semantic } },
        },
      });
      const base = await gateway.listen({ host: '127.0.0.1', port: 0 });
      const url = `${base}/v1/chat/completions`;
      const label = { off: 'cache off', exact: 'exact cache only', semantic: 'exact + semantic cache' }[mode];
      try {
        const run = mode;
        for (let index = 0; index < 30; index++) await post(url, question(index, `${run}-warm`));
        const misses = [];
        const hits = [];
        const semanticHits = [];
        for (let index = 0; index < options.samples; index++) {
          const asked = question(index, run);
          misses.push(await post(url, asked));
          // The answer is stored after the response ends; give the store its moment before repeating.
          await new Promise((resolve) => setTimeout(resolve, 5));
          hits.push(await post(url, asked));
          if (semantic) semanticHits.push(await post(url, asked.toLowerCase().replace(/\?$/, '')));
        }
        if (mode === 'off') {
          record(`gateway, ${label}`, [...misses, ...hits]);
          continue;
        }
        record(`gateway, ${label}: miss`, misses);
        record(`gateway, ${label}: exact hit`, hits);
        // Only the paraphrases the verifier accepted: a rejected one is a miss, timed above.
        const served = semanticHits.filter((sample) => sample.cache === 'hit-semantic');
        if (semantic) record(`gateway, ${label}: semantic hit (re-cased paraphrase)`, served);
      } finally {
        await gateway.close();
      }
    }
  } finally {
    await agent.close();
    await mock.close();
  }
  return rows;
}
