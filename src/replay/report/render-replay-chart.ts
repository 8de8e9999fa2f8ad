import type { ReplayReport } from '../engine/replay-report.js';

const WIDTH = 820;
const HEIGHT = 440;
const MARGIN = { top: 48, right: 190, bottom: 56, left: 78 };
/** One colour per configuration, baseline in grey so that the savings stand out. */
const COLOURS: Record<string, string> = {
  baseline: '#6b7280',
  cache: '#2563eb',
  routing: '#d97706',
  full: '#059669',
  'full-current': '#7c3aed',
};

function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (character) => `&#${character.charCodeAt(0)};`);
}

/** 1, 2 or 5 × a power of ten, so that axis labels are round numbers. */
function niceStep(range: number, ticks: number): number {
  const raw = range / Math.max(1, ticks);
  const power = 10 ** Math.floor(Math.log10(raw || 1));
  const scaled = raw / power;
  return (scaled <= 1 ? 1 : scaled <= 2 ? 2 : scaled <= 5 ? 5 : 10) * power;
}

function money(value: number): string {
  if (value === 0) return '$0';
  return value >= 1 ? `$${value.toFixed(value >= 100 ? 0 : 2)}` : `$${value.toPrecision(2)}`;
}

function elapsed(milliseconds: number, spanMs: number): string {
  if (spanMs >= 2 * 3_600_000) return `${(milliseconds / 3_600_000).toFixed(1)} h`;
  if (spanMs >= 2 * 60_000) return `${Math.round(milliseconds / 60_000)} min`;
  return `${Math.round(milliseconds / 1000)} s`;
}

/**
 * Cumulative cost over the trace's time for each configuration, baseline against the optimised ones,
 * as a self-contained SVG (no scripts, no external fonts).
 */
export function renderReplayChart(report: ReplayReport): string {
  const plotWidth = WIDTH - MARGIN.left - MARGIN.right;
  const plotHeight = HEIGHT - MARGIN.top - MARGIN.bottom;
  const start = report.trace.startMs;
  const ends = report.bucketEndsMs;
  const span = Math.max(1, (ends.at(-1) ?? start) - start);
  const top = Math.max(...report.variants.flatMap((result) => result.cumulativeCostUsd), 0);
  const step = niceStep(top || 1, 5);
  const yMax = Math.max(step, Math.ceil((top || 1) / step) * step);
  const x = (at: number): number => MARGIN.left + ((at - start) / span) * plotWidth;
  const y = (value: number): number => MARGIN.top + plotHeight - (value / yMax) * plotHeight;
  const parts: string[] = [];
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="system-ui, sans-serif" font-size="12">`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="#ffffff"/>`,
    `<text x="${MARGIN.left}" y="24" font-size="15" font-weight="600">${escapeXml(`Cumulative cost: ${report.trace.name}`)}</text>`,
  );
  for (let value = 0; value <= yMax + step / 2; value += step) {
    parts.push(
      `<line x1="${MARGIN.left}" x2="${MARGIN.left + plotWidth}" y1="${y(value).toFixed(1)}" y2="${y(value).toFixed(1)}" stroke="#e5e7eb"/>`,
      `<text x="${MARGIN.left - 8}" y="${(y(value) + 4).toFixed(1)}" text-anchor="end" fill="#374151">${money(value)}</text>`,
    );
  }
  for (let tick = 0; tick <= 4; tick++) {
    const at = start + (span * tick) / 4;
    parts.push(
      `<text x="${x(at).toFixed(1)}" y="${MARGIN.top + plotHeight + 18}" text-anchor="middle" fill="#374151">${elapsed(at - start, span)}</text>`,
    );
  }
  parts.push(
    `<text x="${MARGIN.left + plotWidth / 2}" y="${HEIGHT - 12}" text-anchor="middle" fill="#374151">${escapeXml(report.trace.timed ? 'time into the trace' : 'requests replayed (synthetic arrival times)')}</text>`,
    `<line x1="${MARGIN.left}" x2="${MARGIN.left}" y1="${MARGIN.top}" y2="${MARGIN.top + plotHeight}" stroke="#9ca3af"/>`,
    `<line x1="${MARGIN.left}" x2="${MARGIN.left + plotWidth}" y1="${MARGIN.top + plotHeight}" y2="${MARGIN.top + plotHeight}" stroke="#9ca3af"/>`,
  );
  report.variants.forEach((result, index) => {
    const colour = COLOURS[result.name] ?? '#111827';
    const points = [`${x(start).toFixed(1)},${y(0).toFixed(1)}`];
    result.cumulativeCostUsd.forEach((value, bucket) => {
      points.push(`${x(ends[bucket] ?? start).toFixed(1)},${y(value).toFixed(1)}`);
    });
    const dash = result.name === 'baseline' ? ' stroke-dasharray="6 4"' : '';
    parts.push(`<polyline fill="none" stroke="${colour}" stroke-width="2.2"${dash} points="${points.join(' ')}"/>`);
    const legendY = MARGIN.top + 10 + index * 36;
    const legendX = MARGIN.left + plotWidth + 18;
    const change = Math.round(result.savingVsBaseline * 100);
    const saving = result.name === 'baseline' ? '' : change >= 0 ? ` (${change}% less)` : ` (${-change}% more)`;
    parts.push(
      `<line x1="${legendX}" x2="${legendX + 22}" y1="${legendY}" y2="${legendY}" stroke="${colour}" stroke-width="3"${dash}/>`,
      `<text x="${legendX + 28}" y="${legendY + 4}" fill="#111827">${escapeXml(result.sameAs ? `${result.label} (= ${report.variants.find((other) => other.name === result.sameAs)?.label ?? result.sameAs})` : result.label)}</text>`,
      `<text x="${legendX + 28}" y="${legendY + 19}" fill="#4b5563">${escapeXml(`${money(result.costUsd)}${saving}`)}</text>`,
    );
  });
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}
