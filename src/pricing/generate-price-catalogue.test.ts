import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { buildPriceCatalogue, formatPriceCatalogue } from './build-price-catalogue.js';

const repositoryRoot = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const script = join(repositoryRoot, 'scripts/generate-price-catalogue.ts');
const table = resolve(repositoryRoot, '../shared/data/pricing/litellm_model_prices_2026-08-01.json');
const committed = join(repositoryRoot, 'src/pricing/catalogue.json');
const scratch = mkdtempSync(join(tmpdir(), 'tollgate-catalogue-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

function runGenerator(args: string[]) {
  return spawnSync(process.execPath, ['--import', 'tsx', script, ...args], { cwd: repositoryRoot, encoding: 'utf8' });
}

describe('generate-price-catalogue', () => {
  it('reproduces the committed catalogue byte for byte from the LiteLLM snapshot', () => {
    assert.ok(
      existsSync(table),
      `The LiteLLM price snapshot is missing at ${table}; the committed catalogue cannot be checked without it.`,
    );
    const out = join(scratch, 'catalogue.json');
    const run = runGenerator([table, '--out', out]);
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /prices as of 2026-08-01/);
    assert.equal(readFileSync(out, 'utf8'), readFileSync(committed, 'utf8'));
  });

  it('says clearly when the price table is missing, and writes nothing', () => {
    const out = join(scratch, 'never.json');
    const run = runGenerator([join(scratch, 'missing_2026-08-01.json'), '--out', out]);
    assert.equal(run.status, 1);
    assert.match(run.stderr, /Price table not found: .*missing_2026-08-01\.json/);
    assert.equal(existsSync(out), false);
  });

  it('keeps the committed file small and dated', () => {
    const text = readFileSync(committed, 'utf8');
    assert.ok(Buffer.byteLength(text) < 400 * 1024, 'catalogue.json should stay under 400 KB');
    const parsed = JSON.parse(text) as { date: string; generatedBy: string; models: Record<string, unknown> };
    assert.equal(parsed.date, '2026-08-01');
    assert.equal(parsed.generatedBy, 'scripts/generate-price-catalogue.ts');
    assert.ok(Object.keys(parsed.models).length > 300);
  });
});

describe('buildPriceCatalogue', () => {
  const build = (table: unknown) =>
    buildPriceCatalogue({ table, date: '2026-08-01', source: 'test', generatedBy: 'test' });

  it('maps LiteLLM fields to per-token prices, long-context tier, batch prices and flags', () => {
    const { catalogue } = build({
      'claude-x': {
        litellm_provider: 'anthropic',
        mode: 'chat',
        input_cost_per_token: 3e-6,
        output_cost_per_token: 15e-6,
        cache_read_input_token_cost: 3e-7,
        cache_creation_input_token_cost: 3.75e-6,
        cache_creation_input_token_cost_above_1hr: 6e-6,
        input_cost_per_token_above_200k_tokens: 6e-6,
        output_cost_per_token_above_200k_tokens: 22.5e-6,
        cache_creation_input_token_cost_above_1hr_above_200k_tokens: 12e-6,
        input_cost_per_token_above_200k_tokens_priority: 9e-6,
        input_cost_per_token_batches: 1.5e-6,
        output_cost_per_token_batches: 7.5e-6,
        max_input_tokens: 200_000,
        max_output_tokens: 64_000,
        supports_function_calling: true,
        supports_vision: false,
        supports_web_search: true,
      },
    });
    assert.deepEqual(catalogue.models['claude-x'], {
      provider: 'anthropic',
      mode: 'chat',
      input: 3e-6,
      output: 15e-6,
      cacheRead: 3e-7,
      cacheWrite: 3.75e-6,
      cacheWrite1h: 6e-6,
      batchInput: 1.5e-6,
      batchOutput: 7.5e-6,
      longContext: { thresholdTokens: 200_000, input: 6e-6, output: 22.5e-6, cacheWrite1h: 12e-6 },
      maxInputTokens: 200_000,
      maxOutputTokens: 64_000,
      supportsFunctionCalling: true,
      supportsVision: false,
    });
  });

  it('leaves out other providers and modes, and reports models without per-token prices', () => {
    const { catalogue, skipped } = build({
      'bedrock/x': { litellm_provider: 'bedrock', mode: 'chat', input_cost_per_token: 1, output_cost_per_token: 1 },
      'dall-e-3': { litellm_provider: 'openai', mode: 'image_generation', output_cost_per_image: 0.04 },
      'per-second': { litellm_provider: 'openai', mode: 'chat', input_cost_per_second: 0.001 },
      'text-embedding-x': { litellm_provider: 'mistral', mode: 'embedding', input_cost_per_token: 1e-7 },
    });
    assert.deepEqual(Object.keys(catalogue.models), ['text-embedding-x']);
    assert.equal(catalogue.models['text-embedding-x']?.output, 0);
    assert.deepEqual(skipped, ['per-second']);
  });

  it('formats one model per line and parses back to the same catalogue', () => {
    const { catalogue } = build({
      b: { litellm_provider: 'groq', mode: 'chat', input_cost_per_token: 5.9e-7, output_cost_per_token: 7.9e-7 },
      a: { litellm_provider: 'openai', mode: 'chat', input_cost_per_token: 1e-6, output_cost_per_token: 2e-6 },
    });
    const text = formatPriceCatalogue(catalogue);
    assert.deepEqual(JSON.parse(text), catalogue);
    assert.deepEqual(Object.keys(catalogue.models), ['a', 'b']);
    assert.equal(text.split('\n').filter((line) => line.startsWith('    "')).length, 2);
  });
});
