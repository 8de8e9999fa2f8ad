import { Agent, request } from 'undici';
import { createCacheLayer } from '../../src/cache/create-cache-layer.js';
import { createLocalEmbedder } from '../../src/cache/embedders/create-local-embedder.js';
import type { Embedder } from '../../src/cache/embedders/embedder.js';
import { configSchema } from '../../src/config/config-schema.js';
import { createGateway, type Gateway } from '../../src/gateway/create-gateway.js';
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
  /**
   * CPU time of this whole process per request at the median (client, gateway, its embedder thread
   * and the mock), ms: what a request costs whatever else the machine runs, and near what it takes
   * on an idle machine, where the steps of one request run one after the other.
   */
  cpuP50?: number;
}

const MODEL = 'bench-model';
type Sample = { ms: number; cache: string; cpuMs?: number };

function body(question: string): string {
  return JSON.stringify({ model: MODEL, temperature: 0, messages: [{ role: 'user', content: question }] });
}

const question = (index: number, run: string) =>
  `How can I learn ${run} programming topic number ${index} quickly and well?`;

/**
 * Client → gateway → instant mock against client → instant mock, all on 127.0.0.1 and in this
 * process, one request at a time: the gateway's added latency with the cache off, on an exact miss
 * and hit, on a semantic miss (the local model embeds the prompt) and hit (a re-cased paraphrase the
 * exact cache cannot answer). Then exact hits while a second client keeps semantic misses coming,
 * with the model on its worker thread (the default) and on the main thread. Ledger off.
 */
export async function measureGatewayLatency(options: { samples: number }): Promise<LatencyRow[]> {
  const mock = await startInstantMock();
  const agent = new Agent({ keepAliveTimeout: 30_000, connections: 8 });
  const rows: LatencyRow[] = [];
  const post = async (url: string, asked: string): Promise<Sample> => {
    const cpuBefore = process.cpuUsage();
    const started = performance.now();
    const response = await request(url, {
      method: 'POST',
      dispatcher: agent,
      headers: { 'content-type': 'application/json' },
      body: body(asked),
    });
    await response.body.arrayBuffer();
    const ms = performance.now() - started;
    const cpu = process.cpuUsage(cpuBefore);
    if (response.statusCode !== 200) throw new Error(`${url} answered ${response.statusCode}`);
    return { ms, cache: String(response.headers['x-tollgate-cache'] ?? ''), cpuMs: (cpu.user + cpu.system) / 1000 };
  };
  const record = (path: string, samples: Sample[]) => {
    const times = samples.map((sample) => sample.ms);
    const cpu = samples.flatMap((sample) => (sample.cpuMs === undefined ? [] : [sample.cpuMs]));
    rows.push({
      path,
      p50: percentile(times, 0.5),
      p99: percentile(times, 0.99),
      samples: times.length,
      cacheStatus: [...new Set(samples.map((sample) => sample.cache))].join(', '),
      ...(cpu.length === 0 ? {} : { cpuP50: percentile(cpu, 0.5) }),
    });
  };
  const gatewayConfig = (cache: Record<string, unknown>) => ({
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
    cache,
  });
  const withGateway = async (
    config: Record<string, unknown>,
    run: (url: string) => Promise<void>,
    embedder?: Embedder,
  ) => {
    let gateway: Gateway;
    const logger = createLogger({ level: 'silent' });
    if (embedder === undefined) {
      gateway = await createGateway({ environment: {}, logger, batch: false, config });
    } else {
      const cache = await createCacheLayer({ config: configSchema.parse(config), logger, embedder });
      gateway = await createGateway({ environment: {}, logger, batch: false, config, cache });
    }
    const base = await gateway.listen({ host: '127.0.0.1', port: 0 });
    try {
      await run(`${base}/v1/chat/completions`);
    } finally {
      await gateway.close();
    }
  };
  // The default local embedder (worker thread), timed as the cache layer waits for it: where a
  // semantic hit's time goes.
  const timed = await createLocalEmbedder();
  let lastEmbedMs = 0;
  const timedEmbedder: Embedder = {
    id: timed.id,
    dimensions: timed.dimensions,
    async embed(texts) {
      const started = performance.now();
      const vectors = await timed.embed(texts);
      lastEmbedMs = performance.now() - started;
      return vectors;
    },
  };

  try {
    for (let index = 0; index < 50; index++) await post(`${mock.url}/chat/completions`, question(index, 'warm'));
    const direct: Sample[] = [];
    for (let index = 0; index < options.samples; index++) {
      direct.push(await post(`${mock.url}/chat/completions`, question(index, 'direct')));
    }
    record('direct call to the instant mock', direct);

    await withGateway(gatewayConfig({ enabled: false }), async (url) => {
      for (let index = 0; index < 30; index++) await post(url, question(index, 'off-warm'));
      const samples: Sample[] = [];
      for (let index = 0; index < options.samples; index++) samples.push(await post(url, question(index, 'off')));
      record('gateway, cache off', samples);
    });

    for (const semantic of [false, true]) {
      const label = semantic ? 'exact + semantic cache' : 'exact cache only';
      await withGateway(
        gatewayConfig({ enabled: true, semantic: { enabled: semantic } }),
        async (url) => {
          const run = semantic ? 'semantic' : 'exact';
          for (let index = 0; index < 30; index++) await post(url, question(index, `${run}-warm`));
          const misses: Sample[] = [];
          const hits: Sample[] = [];
          const paraphrases: Sample[] = [];
          const embeddings: Sample[] = [];
          for (let index = 0; index < options.samples; index++) {
            const asked = question(index, run);
            misses.push(await post(url, asked));
            // The answer is stored after the response ends; give the store its moment before repeating.
            await new Promise((resolve) => setTimeout(resolve, 5));
            hits.push(await post(url, asked));
            if (semantic) {
              const paraphrase = await post(url, asked.toLowerCase().replace(/\?$/, ''));
              paraphrases.push(paraphrase);
              embeddings.push({ ms: lastEmbedMs, cache: paraphrase.cache });
            }
          }
          record(`gateway, ${label}: miss`, misses);
          record(`gateway, ${label}: exact hit`, hits);
          // Only the paraphrases the verifier accepted: a rejected one is a miss, like those above.
          if (semantic) {
            const accepted = (sample: Sample) => sample.cache === 'hit-semantic';
            record(`gateway, ${label}: semantic hit (re-cased paraphrase)`, paraphrases.filter(accepted));
            record(
              `… of which embedding the prompt (worker round trip, as the cache layer waits)`,
              embeddings.filter(accepted),
            );
          }
        },
        semantic ? timedEmbedder : undefined,
      );
    }

    // Exact hits while another client sends semantic misses back to back: whether a forward pass of
    // the model holds up requests that never needed it.
    for (const thread of ['worker', 'main'] as const) {
      await withGateway(
        gatewayConfig({ enabled: true, semantic: { enabled: true } }),
        async (url) => {
          const stored = Array.from({ length: 20 }, (_, index) => question(index, `busy-${thread}`));
          for (const asked of stored) await post(url, asked);
          await new Promise((resolve) => setTimeout(resolve, 20));
          let running = true;
          let background = 0;
          const load = (async () => {
            while (running) await post(url, question(background++, `load-${thread}`));
          })();
          const hits: Sample[] = [];
          for (let index = 0; index < Math.min(options.samples, 100); index++) {
            hits.push(await post(url, stored[index % stored.length] as string));
          }
          running = false;
          await load;
          record(`gateway, exact hit while semantic misses run (model on ${thread} thread)`, hits);
        },
        thread === 'main' ? await createLocalEmbedder({ thread: 'main' }) : undefined,
      );
    }
  } finally {
    await agent.close();
    await mock.close();
  }
  return rows;
}
