import type { MethodEvaluation, RouterEvaluation } from './evaluate-routers.js';

function percent(value: number | null | undefined): string {
  return value === null || value === undefined ? 'never' : `${(value * 100).toFixed(1)}%`;
}

function renderTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((cell, column) => Math.max(cell.length, ...rows.map((row) => (row[column] ?? '').length)));
  const line = (cells: readonly string[]) =>
    `| ${cells.map((cell, column) => (column === 0 ? cell.padEnd(widths[column] ?? 0) : cell.padStart(widths[column] ?? 0))).join(' | ')} |`;
  const rule = `|${widths.map((width, column) => (column === 0 ? `-${'-'.repeat(width)}-` : `-${'-'.repeat(width)}:`)).join('|')}|`;
  return [line(header), rule, ...rows.map(line)].join('\n');
}

function methodRow(method: MethodEvaluation): string[] {
  return [
    method.name,
    Number.isFinite(method.apgr) ? method.apgr.toFixed(3) : '-',
    percent(method.costForQuality['0.5']),
    percent(method.costForQuality['0.8']),
    percent(method.costForQuality['0.95']),
    percent(method.costForGap['0.5']),
    percent(method.costForGap['0.8']),
    method.bestQuality.toFixed(3),
  ];
}

/**
 * One data set's evaluation as a Markdown table: per method, APGR and the cost (share of the premium
 * model's mean cost per request) needed for 50/80/95% of premium quality and for 50/80% of the gap.
 */
export function formatEvaluationTable(evaluation: RouterEvaluation): string {
  const { premium, cheapest } = evaluation;
  const summary =
    `${evaluation.prompts} prompts, ${evaluation.folds}-fold cross-validation by prompt (seed ${evaluation.seed}). ` +
    `Premium ${premium.model}: quality ${premium.quality.toFixed(3)}, $${premium.cost.toPrecision(3)}/request; ` +
    `cheapest ${cheapest.model}: quality ${cheapest.quality.toFixed(3)}, $${cheapest.cost.toPrecision(3)}/request.`;
  const timing =
    `Learned router: training ${evaluation.learned.trainSeconds.map((seconds) => seconds.toFixed(1)).join('/')} s per fold; ` +
    `decision p50 ${evaluation.learned.decisionMs.p50.toFixed(3)} ms, p99 ${evaluation.learned.decisionMs.p99.toFixed(3)} ms. ` +
    `kNN k per fold: ${evaluation.knn.k.join('/')}.`;
  const table = renderTable(
    ['method', 'APGR', 'cost@50%q', 'cost@80%q', 'cost@95%q', 'cost@50%gap', 'cost@80%gap', 'best quality'],
    evaluation.methods.map(methodRow),
  );
  return `${summary}\n${timing}\n\n${table}\n`;
}

/** One data set's result for the quality bar summary. */
export interface NamedEvaluation {
  name: string;
  evaluation: RouterEvaluation;
}

/**
 * The quality bar across data sets: the cost (share of premium cost) the learned router and the kNN
 * baseline need for 95% of premium quality, whether the router beats kNN on each, and the mean.
 */
export function formatQualityBarTable(results: readonly NamedEvaluation[]): string {
  const cost = (evaluation: RouterEvaluation, kind: string) =>
    evaluation.methods.find((method) => method.kind === kind)?.costForQuality['0.95'] ?? null;
  const rows = results.map(({ name, evaluation }) => {
    const learned = cost(evaluation, 'learned');
    const knn = cost(evaluation, 'knn');
    const random = cost(evaluation, 'random');
    const beats = learned !== null && (knn === null || learned < knn);
    return [
      name,
      percent(learned),
      percent(knn),
      percent(random),
      beats ? 'yes' : 'NO',
      `${evaluation.learned.decisionMs.p50.toFixed(3)} / ${evaluation.learned.decisionMs.p99.toFixed(3)}`,
      Math.max(...evaluation.learned.trainSeconds).toFixed(1),
    ];
  });
  const learnedCosts = results.map(({ evaluation }) => cost(evaluation, 'learned'));
  const mean = learnedCosts.some((value) => value === null)
    ? null
    : learnedCosts.reduce((sum: number, value) => sum + (value as number), 0) / Math.max(1, learnedCosts.length);
  const knnCosts = results.map(({ evaluation }) => cost(evaluation, 'knn'));
  const knnMean = knnCosts.some((value) => value === null)
    ? null
    : knnCosts.reduce((sum: number, value) => sum + (value as number), 0) / Math.max(1, knnCosts.length);
  const allBeat = rows.every((row) => row[4] === 'yes');
  rows.push(['mean', percent(mean), percent(knnMean), '', allBeat ? 'yes' : 'NO', '', '']);
  const table = renderTable(
    [
      'data set',
      'learned cost@95%q',
      'kNN cost@95%q',
      'random cost@95%q',
      'learned < kNN',
      'decision ms p50 / p99',
      'max fold train s',
    ],
    rows,
  );
  const holds = allBeat && mean !== null && mean <= 0.4;
  return `${table}\n\nQuality bar (learned < kNN on every file, mean ≤ 40% of premium cost): ${holds ? 'HOLDS' : 'NOT MET'}\n`;
}
