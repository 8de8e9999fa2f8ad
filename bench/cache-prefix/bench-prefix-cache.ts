// npm run bench:prefix-cache
//
// Provider prefix caching on real traffic: replays the Mooncake conversation trace (12,031 requests
// over an hour, prompts as 512-token block ids) first against ideal block caches (unbounded — the
// data's README says 36.6% of blocks hit — then TTL'd and bounded), then through the simulated
// provider's prefix cache at the catalogue prices of claude-sonnet-4-6 (explicit breakpoints placed
// as the gateway places them) and gpt-5.4-mini (automatic caching), against no prefix caching.
// Writes bench/cache-prefix/RESULTS.md.
import { writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { CATALOGUE_DATE, lookupCataloguePrice } from '../../src/pricing/price-catalogue.js';
import { loadMooncakeTrace, PROJECT_ROOT } from './load-mooncake-trace.js';
import { measureBlockHits } from './measure-block-hits.js';
import { type ReplayResult, type ReplayScenario, replayProviderCache } from './replay-provider-cache.js';

const MINUTE = 60_000;
const SIMULATOR_DEFAULT_ENTRIES = 10_000;

function priceOf(model: string, provider: string) {
  const price = lookupCataloguePrice(model, provider);
  if (price === undefined) throw new Error(`${model} is not in the price catalogue`);
  return price;
}

const percent = (value: number) => `${(value * 100).toFixed(1)}%`;
const usd = (value: number) => `$${value.toFixed(2)}`;
const thousands = (value: number) => value.toLocaleString('en-US');

/** A Markdown table with padded columns, as the formatter lays them out. */
function table(header: string[], rows: string[][]): string {
  const widths = header.map((cell, column) =>
    Math.max(cell.length, 3, ...rows.map((row) => (row[column] ?? '').length)),
  );
  const line = (cells: string[]) => `| ${cells.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join(' | ')} |`;
  return [line(header), line(widths.map((width) => '-'.repeat(width))), ...rows.map(line)].join('\n');
}

const { path, requests } = loadMooncakeTrace();
const spanMinutes = (requests.at(-1)?.timestamp ?? 0) / MINUTE;
const started = performance.now();

const blockModels = [
  { name: 'unbounded, no expiry (the README figure)' },
  { name: 'TTL 5 min (Anthropic default)', ttlMs: 5 * MINUTE },
  { name: 'TTL 10 min (OpenAI, upper end)', ttlMs: 10 * MINUTE },
  { name: 'TTL 1 h (Anthropic 1h)', ttlMs: 60 * MINUTE },
  { name: 'LRU 50,000 blocks (~25.6M tokens)', maxBlocks: 50_000 },
  { name: 'LRU 10,000 blocks (~5.1M tokens)', maxBlocks: 10_000 },
  { name: 'LRU 10,000 blocks + TTL 5 min', maxBlocks: 10_000, ttlMs: 5 * MINUTE },
];
const blockResults = blockModels.map((model) => measureBlockHits(requests, model));

const sonnet = priceOf('claude-sonnet-4-6', 'anthropic');
const mini = priceOf('gpt-5.4-mini', 'openai');
const anthropic = (placement: 'system' | 'conversation' | 'every-prompt', ttl: '5m' | '1h') =>
  ({ kind: 'anthropic', placement, ttl, model: 'claude-sonnet-4-6' }) as const;
const scenarios: ReplayScenario[] = [
  { name: 'claude-sonnet-4-6 · no prefix caching', price: sonnet, caching: { kind: 'none' } },
  { name: 'claude-sonnet-4-6 · system prompt only, 5m', price: sonnet, caching: anthropic('system', '5m') },
  {
    name: 'claude-sonnet-4-6 · + conversation turns, 5m (gateway default)',
    price: sonnet,
    caching: anthropic('conversation', '5m'),
  },
  { name: 'claude-sonnet-4-6 · + conversation turns, 1h', price: sonnet, caching: anthropic('conversation', '1h') },
  { name: 'claude-sonnet-4-6 · end of every prompt, 5m', price: sonnet, caching: anthropic('every-prompt', '5m') },
  { name: 'claude-sonnet-4-6 · end of every prompt, 1h', price: sonnet, caching: anthropic('every-prompt', '1h') },
  {
    name: `claude-sonnet-4-6 · + conversation turns, 5m, ${thousands(SIMULATOR_DEFAULT_ENTRIES)} entries`,
    price: sonnet,
    caching: anthropic('conversation', '5m'),
    maxEntries: SIMULATOR_DEFAULT_ENTRIES,
  },
  { name: 'gpt-5.4-mini · no prefix caching', price: mini, caching: { kind: 'none' } },
  { name: 'gpt-5.4-mini · automatic, 10 min idle TTL', price: mini, caching: { kind: 'openai-automatic' } },
  {
    name: `gpt-5.4-mini · automatic, ${thousands(SIMULATOR_DEFAULT_ENTRIES)} entries`,
    price: mini,
    caching: { kind: 'openai-automatic' },
    maxEntries: SIMULATOR_DEFAULT_ENTRIES,
  },
];
const replays: ReplayResult[] = [];
for (const scenario of scenarios) {
  process.stderr.write(`replaying ${scenario.name} …\n`);
  replays.push(replayProviderCache(requests, scenario));
}
const seconds = (performance.now() - started) / 1000;

const blockTable = table(
  ['block cache', 'blocks', 'hits', 'block hit rate'],
  blockResults.map((result) => [
    result.name,
    thousands(result.blocks),
    thousands(result.hits),
    percent(result.hitRate),
  ]),
);
const replayTable = table(
  [
    'scenario',
    'input tokens read from cache',
    'written',
    'input cost',
    'total cost',
    'saved vs none',
    'saved share of total',
  ],
  replays.map((result) => {
    const saved = result.uncachedCostUsd - result.costUsd;
    return [
      result.name,
      percent(result.tokenHitRate),
      percent(result.cacheWriteTokens / result.inputTokens),
      usd(result.inputCostUsd),
      usd(result.costUsd),
      usd(saved),
      percent(saved / result.uncachedCostUsd),
    ];
  }),
);
const priceLine = (model: string, price: typeof sonnet) =>
  `${model}: input $${(price.input * 1e6).toFixed(3)}, cache read $${(price.cacheRead * 1e6).toFixed(3)}, ` +
  `cache write $${(price.cacheWrite * 1e6).toFixed(3)} (1h $${(price.cacheWrite1h * 1e6).toFixed(3)}), output $${(price.output * 1e6).toFixed(2)} per million tokens`;

const report = `# Provider prefix caching on the Mooncake conversation trace

\`npm run bench:prefix-cache\` · trace \`${relative(PROJECT_ROOT, path)}\` · ${thousands(requests.length)} requests over ${spanMinutes.toFixed(1)} min · ${thousands(
  replays[0]?.inputTokens ?? 0,
)} input tokens · prices from the bundled catalogue (${CATALOGUE_DATE}) · ran in ${seconds.toFixed(1)} s

## Block hit rate (ideal prefix cache of 512-token blocks, on the trace's clock)

${blockTable}

## Through the simulated provider's prefix cache, priced

${priceLine('claude-sonnet-4-6', sonnet)}.
${priceLine('gpt-5.4-mini', mini)}.

${replayTable}

How to read it:

- The trace carries no message structure, only block ids; block 0 is shared by every request (a system prompt
  under 512 tokens). Anthropic ignores breakpoints on prefixes under 1,024 tokens for Sonnet, so a breakpoint after
  that system prompt alone caches nothing: the savings come from marking the conversation.
- "+ conversation turns" is the gateway's \`cache.prefix.conversation\` rule: a request that continues a conversation
  (here: shares its second block with an earlier request) gets a breakpoint at the end of its prompt (its last full
  block; the trace cannot say where inside a block a turn ends, which slightly understates reads). "End of every
  prompt" also marks first turns, paying the write premium on conversations that never continue.
- Anthropic reads look back 20 content blocks from a breakpoint; with no message structure the replay uses 512-token
  blocks, so a turn that adds more than ~10k tokens misses a read that real message boundaries would find.
- The conversation rule reads less than the ideal 5-minute block cache because a first turn is not marked (its
  second turn writes instead of reading) and reads stop at the last full block; marking every prompt closes part of
  that gap but pays the write premium on every first turn, which costs more than it returns here.
- With the simulated provider's default bound (10,000 prefix entries) OpenAI-style caching nearly vanishes: it keeps
  one entry per 128-token step, so 10,000 entries hold about two minutes of this traffic. Replays that want realistic
  OpenAI cache reads need a larger \`prefixCacheEntries\`.
- Output tokens are billed the same in every scenario; "saved share of total" includes them.
`;

console.log(report);
writeFileSync(join(PROJECT_ROOT, 'bench', 'cache-prefix', 'RESULTS.md'), report);
