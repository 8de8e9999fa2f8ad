import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { runDemoCommand } from '../../src/cli/run-demo-command.js';
import { runReplayCommand } from '../../src/cli/run-replay-command.js';
import { SUPPORT_FAQ } from '../../src/demo/demo-intents.js';
import { demoTracePath } from '../../src/demo/demo-trace-path.js';
import { generateDemoTrace } from '../../src/demo/generate-demo-trace.js';
import type { ReplayReport } from '../../src/replay/engine/replay-report.js';
import { runCrossFittedReplay } from '../../src/replay/routerbench/run-cross-fitted-replay.js';
import type { RouterBenchPrompt } from '../../src/replay/trace/read-routerbench-trace.js';

const directory = mkdtempSync(join(tmpdir(), 'tollgate-replay-cli-'));
after(() => rmSync(directory, { recursive: true, force: true }));

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return {
    io: { stdout: { write: (text: string) => out.push(text) }, stderr: { write: (text: string) => err.push(text) } },
    stdout: () => out.join(''),
    stderr: () => err.join(''),
  };
}

describe('tollgate replay', () => {
  const trace = join(directory, 'trace.jsonl');
  writeFileSync(
    trace,
    Array.from({ length: 6 }, (_, index) =>
      JSON.stringify({
        timestamp: Date.UTC(2026, 2, 3, 9, index),
        tenant: 'acme',
        headers: { 'x-tollgate-cache': 'exact-only' },
        messages: [{ role: 'user', content: index % 2 === 0 ? 'How do I reset my password?' : `Question ${index}` }],
      }),
    ).join('\n'),
  );

  test('prints the four configurations side by side and writes JSON and an SVG chart', async () => {
    const out = join(directory, 'out', 'report');
    const run = capture();
    const code = await runReplayCommand([trace, '--out', out, '--scale', 'provider=deepseek:2'], run.io);
    assert.equal(code, 0, run.stderr());
    const table = run.stdout();
    for (const heading of ['baseline', 'cache only', 'routing only', 'full', 'full @ today'])
      assert.ok(table.includes(heading), heading);
    assert.match(table, /cost per 1M tokens/);
    assert.match(table, /Price scenario: scenario: provider deepseek ×2/);
    assert.match(table, /model calls of the full stack/);
    const report = JSON.parse(readFileSync(`${out}.json`, 'utf8')) as ReplayReport;
    assert.equal(report.trace.requests, 6);
    assert.equal(report.variants.find((result) => result.name === 'cache')?.cacheHits.exact, 2);
    const svg = readFileSync(`${out}.svg`, 'utf8');
    assert.match(svg, /^<svg /);
    assert.equal((svg.match(/<polyline /g) ?? []).length, 5);
  });

  test('a price scenario file: projected monthly bill at the new prices and where the router moves traffic', async () => {
    const scenario = join(directory, 'deepseek-triples.yaml');
    writeFileSync(
      scenario,
      [
        'name: deepseek triples, gpt-5.5 discounted',
        'pricing:',
        '  gpt-5.5: { input_per_mtok: 2.5, output_per_mtok: 15 }',
        'scale:',
        '  provider: { deepseek: 3 }',
        '',
      ].join('\n'),
    );
    const out = join(directory, 'scenario');
    const run = capture();
    const code = await runReplayCommand([trace, '--out', out, '--prices', scenario, '--configs', 'full'], run.io);
    assert.equal(code, 0, run.stderr());
    const table = run.stdout();
    assert.match(
      table,
      /Price scenario: deepseek triples, gpt-5\.5 discounted: gpt-5\.5 at \$2\.5\/\$15 per 1M, provider deepseek ×3/,
    );
    assert.match(table, /projected monthly bill\s+\$[\d,.]+\s+\$[\d,.]+\s+\$[\d,.]+/);
    // Short questions go to the fast tier: deepseek-chat today, gpt-5.4-nano once deepseek costs three times as much.
    assert.match(table, /deepseek\/deepseek-chat\s+100\.0%\s+0\.0%\s+-100\.0 pts/);
    assert.match(table, /openai\/gpt-5\.4-nano\s+0\.0%\s+100\.0%\s+\+100\.0 pts/);
    const report = JSON.parse(readFileSync(`${out}.json`, 'utf8')) as ReplayReport;
    const baseline = report.variants.find((result) => result.name === 'baseline');
    // The baseline model at half its catalogue price: half the cost of the same traffic.
    assert.ok(baseline?.monthlyProjectionUsd !== undefined && baseline.monthlyProjectionUsd > 0);
  });

  test('answers wrong arguments with exit code 2 and what was expected', async () => {
    const bad = capture();
    assert.equal(await runReplayCommand([trace, '--scale', 'deepseek=2'], bad.io), 2);
    assert.match(bad.stderr(), /provider=NAME:FACTOR/);
    const none = capture();
    assert.equal(await runReplayCommand([], none.io), 2);
    assert.match(none.stderr(), /give a TRACE file/);
    const missing = capture();
    assert.equal(await runReplayCommand([join(directory, 'missing.jsonl')], missing.io), 2);
    assert.match(missing.stderr(), /Cannot read the trace/);
  });
});

describe('cross-fitted RouterBench replay', () => {
  test('routes every prompt with a router fitted on the other folds and measures quality', async () => {
    // Synthetic outcomes: the small model fails the "prove" prompts, the big model solves everything.
    const prompts: RouterBenchPrompt[] = Array.from({ length: 24 }, (_, index) => {
      const hard = index % 3 === 0;
      return {
        prompt: hard ? `Prove carefully that identity ${index} holds for every n` : `What colour is item ${index}?`,
        benchmark: 'synthetic',
        scores: { small: hard ? 0 : 1, mid: hard ? 0 : 1, big: 1 },
        costs: { small: 0.0001, mid: 0.0003, big: 0.003 },
      };
    });
    const steps: string[] = [];
    const report = await runCrossFittedReplay({
      prompts,
      name: 'synthetic',
      folds: 3,
      tierModels: { fast: 'small', balanced: 'mid', premium: 'big' },
      variants: ['routing'],
      onStep: (message) => steps.push(message),
    });
    assert.equal(report.trace.requests, 24);
    assert.equal(steps.filter((step) => step.includes('fitting')).length, 3);
    const baseline = report.variants.find((result) => result.name === 'baseline');
    const routing = report.variants.find((result) => result.name === 'routing');
    assert.equal(baseline?.quality?.mean, 1);
    assert.equal(baseline?.quality?.recordedCostUsd.toFixed(6), (24 * 0.003).toFixed(6));
    assert.ok(routing?.quality !== undefined);
    assert.equal(routing?.requests, 24);
    assert.ok(Math.abs(Object.values(routing?.tierShares ?? {}).reduce((sum, share) => sum + share, 0) - 1) < 1e-9);
    assert.match(report.notes.join(' '), /cross-fitted: 3 folds/);
  });
});

describe('the shipped demo trace', () => {
  test('is what the seeded generator makes: support desk and coding traffic, repeats, paraphrases, shared system prompts', () => {
    const shipped = gunzipSync(readFileSync(demoTracePath())).toString('utf8').trimEnd().split('\n');
    assert.deepEqual(shipped, generateDemoTrace(), 'regenerate with: npx tsx src/demo/write-demo-trace.ts');
    const lines = shipped.map(
      (line) => JSON.parse(line) as { tenant: string; feature: string; messages: { role: string; content: string }[] },
    );
    assert.equal(lines.length, 1_200);
    assert.deepEqual([...new Set(lines.map((line) => line.tenant))].sort(), ['acme-devtools', 'acme-support']);
    const systems = new Set(lines.map((line) => line.messages.find((message) => message.role === 'system')?.content));
    assert.ok(systems.size <= 3, 'every request carries one of a few long shared system prompts');
    for (const system of systems) assert.ok((system?.length ?? 0) > 4_000);
    const questions = lines.map((line) => line.messages.at(-1)?.content ?? '');
    const counts = new Map<string, number>();
    for (const question of questions) counts.set(question, (counts.get(question) ?? 0) + 1);
    const repeated = questions.filter((question) => (counts.get(question) ?? 0) > 1).length;
    assert.ok(repeated / questions.length > 0.3, `${repeated} of ${questions.length} are word-for-word repeats`);
    for (const phrasing of SUPPORT_FAQ[0] ?? []) assert.ok(counts.has(phrasing), `paraphrase "${phrasing}" is asked`);
  });
});

describe('tollgate demo', () => {
  test('replays the shipped trace offline and prints the seeds table as measured', async () => {
    const out = join(directory, 'demo');
    const run = capture();
    const code = await runDemoCommand(['--requests', '40', '--out', out], run.io);
    assert.equal(code, 0, run.stderr());
    const text = run.stdout();
    assert.match(text, /Replay of support-and-coding\.jsonl\.gz \(openai\): 40 requests/);
    assert.match(text, /The seeds' headline table, measured on this traffic:/);
    assert.match(
      text,
      /direct frontier API, \$ per 1M tokens\s+\$12\.00–15\.00\s+\$\d+\.\d\d \(baseline: openai\/gpt-5\.5\)/,
    );
    assert.match(text, /spend reduction\s+47–80%\s+-?\d+\.\d%/);
    assert.ok(existsSync(`${out}.json`) && existsSync(`${out}.svg`));
  });
});
