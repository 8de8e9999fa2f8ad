import type { RouterEvaluation } from './evaluate-routers.js';

const WIDTH = 760;
const HEIGHT = 500;
const MARGIN = { left: 64, right: 220, top: 36, bottom: 52 };
const LINE_COLOURS: Record<string, string> = {
  learned: '#d62728',
  knn: '#1f77b4',
  'knn-pruned': '#9ecae1',
  random: '#7f7f7f',
  oracle: '#2ca02c',
};

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function format(value: number): string {
  return Number(value.toFixed(2)).toString();
}

/**
 * The cost–quality curves as a self-contained SVG: x is mean cost per request as a share of the
 * premium model's cost (log scale, since the interesting region is the cheap end), y is mean quality.
 * Routers are drawn as their convex hulls (one polyline each), single models as labelled dots.
 */
export function renderCurveSvg(evaluation: RouterEvaluation, title = 'Cost–quality curves'): string {
  const premiumCost = evaluation.premium.cost;
  const lines = evaluation.methods.filter((method) => method.kind in LINE_COLOURS);
  const dots = evaluation.methods.filter((method) => !(method.kind in LINE_COLOURS));
  const all = evaluation.methods.flatMap((method) => (method.kind in LINE_COLOURS ? method.hull : method.points));
  const shares = all.map((point) => point.cost / premiumCost).filter((share) => share > 0);
  const minShare = 10 ** Math.floor(Math.log10(Math.min(...shares, 1)));
  const maxShare = Math.max(1, ...shares) * 1.05;
  const qualities = all.map((point) => point.quality);
  const minQuality = Math.max(0, Math.floor(Math.min(...qualities) * 10) / 10 - 0.05);
  const maxQuality = Math.min(1, Math.ceil(Math.max(...qualities) * 20) / 20 + 0.02);
  const plotWidth = WIDTH - MARGIN.left - MARGIN.right;
  const plotHeight = HEIGHT - MARGIN.top - MARGIN.bottom;
  const x = (cost: number) =>
    MARGIN.left +
    ((Math.log10(Math.max(cost / premiumCost, minShare)) - Math.log10(minShare)) /
      (Math.log10(maxShare) - Math.log10(minShare))) *
      plotWidth;
  const y = (quality: number) => MARGIN.top + (1 - (quality - minQuality) / (maxQuality - minQuality)) * plotHeight;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="sans-serif" font-size="11">`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="#fff"/>`,
    `<text x="${MARGIN.left}" y="20" font-size="14" font-weight="bold">${escapeXml(title)}</text>`,
    `<rect x="${MARGIN.left}" y="${MARGIN.top}" width="${plotWidth}" height="${plotHeight}" fill="none" stroke="#333"/>`,
  ];
  for (let decade = Math.log10(minShare); 10 ** decade <= maxShare; decade += 1) {
    for (const step of [1, 2, 5]) {
      const share = step * 10 ** decade;
      if (share < minShare || share > maxShare) continue;
      const position = format(x(share * premiumCost));
      parts.push(
        `<line x1="${position}" y1="${MARGIN.top}" x2="${position}" y2="${MARGIN.top + plotHeight}" stroke="#eee"/>`,
      );
      parts.push(
        `<text x="${position}" y="${MARGIN.top + plotHeight + 16}" text-anchor="middle">${Number((share * 100).toPrecision(3))}%</text>`,
      );
    }
  }
  for (let quality = Math.ceil(minQuality * 20) / 20; quality <= maxQuality + 1e-9; quality += 0.05) {
    const position = format(y(quality));
    parts.push(
      `<line x1="${MARGIN.left}" y1="${position}" x2="${MARGIN.left + plotWidth}" y2="${position}" stroke="#eee"/>`,
    );
    parts.push(
      `<text x="${MARGIN.left - 6}" y="${position}" text-anchor="end" dominant-baseline="middle">${quality.toFixed(2)}</text>`,
    );
  }
  parts.push(
    `<text x="${MARGIN.left + plotWidth / 2}" y="${HEIGHT - 12}" text-anchor="middle">mean cost per request, share of ${escapeXml(evaluation.premium.model)} (log scale)</text>`,
    `<text transform="translate(16 ${MARGIN.top + plotHeight / 2}) rotate(-90)" text-anchor="middle">mean quality</text>`,
  );
  const target = y(0.95 * evaluation.premium.quality);
  parts.push(
    `<line x1="${MARGIN.left}" y1="${format(target)}" x2="${MARGIN.left + plotWidth}" y2="${format(target)}" stroke="#999" stroke-dasharray="4 3"/>`,
    `<text x="${MARGIN.left + 4}" y="${format(target - 4)}" fill="#666">95% of premium quality</text>`,
  );
  lines.forEach((method, index) => {
    const colour = LINE_COLOURS[method.kind] as string;
    const points = method.hull.map((point) => `${format(x(point.cost))},${format(y(point.quality))}`).join(' ');
    parts.push(
      `<polyline data-method="${escapeXml(method.name)}" points="${points}" fill="none" stroke="${colour}" stroke-width="2"/>`,
    );
    const legendY = MARGIN.top + 10 + index * 18;
    parts.push(
      `<line x1="${WIDTH - MARGIN.right + 16}" y1="${legendY}" x2="${WIDTH - MARGIN.right + 40}" y2="${legendY}" stroke="${colour}" stroke-width="2"/>`,
      `<text x="${WIDTH - MARGIN.right + 46}" y="${legendY}" dominant-baseline="middle">${escapeXml(method.name)} (APGR ${method.apgr.toFixed(2)})</text>`,
    );
  });
  const dotsLegendY = MARGIN.top + 10 + lines.length * 18;
  parts.push(
    `<circle cx="${WIDTH - MARGIN.right + 28}" cy="${dotsLegendY}" r="3.5" fill="#333"/>`,
    `<text x="${WIDTH - MARGIN.right + 46}" y="${dotsLegendY}" dominant-baseline="middle">single models</text>`,
  );
  for (const method of dots) {
    const point = method.points[0];
    if (!point) continue;
    const label = (point.label.split('/').pop() ?? point.label).slice(0, 28);
    parts.push(
      `<circle data-method="${escapeXml(method.name)}" cx="${format(x(point.cost))}" cy="${format(y(point.quality))}" r="3.5" fill="#333"/>`,
      `<text x="${format(x(point.cost) + 5)}" y="${format(y(point.quality) - 5)}" fill="#333" font-size="9">${escapeXml(label)}</text>`,
    );
  }
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}
