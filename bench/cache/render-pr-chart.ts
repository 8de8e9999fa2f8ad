/** One curve of the chart: points in order of threshold. */
export interface ChartSeries {
  name: string;
  color: string;
  points: { x: number; y: number; label?: string }[];
}

/** One panel of the chart. */
export interface ChartPanel {
  title: string;
  xLabel: string;
  yLabel: string;
  xRange: [number, number];
  yRange: [number, number];
  series: ChartSeries[];
  /** A horizontal reference line (e.g. the precision bar). */
  reference?: { y: number; label: string };
  /** A marked point (e.g. the default operating point). */
  marker?: { x: number; y: number; label: string };
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function renderPanel(panel: ChartPanel, offsetX: number): string {
  const width = 460;
  const height = 340;
  const left = offsetX + 60;
  const top = 40;
  const plotWidth = width - 90;
  const plotHeight = height - 90;
  const [x0, x1] = panel.xRange;
  const [y0, y1] = panel.yRange;
  const px = (x: number) => left + ((x - x0) / (x1 - x0)) * plotWidth;
  const py = (y: number) => top + plotHeight - ((y - y0) / (y1 - y0)) * plotHeight;
  const parts: string[] = [];
  parts.push(
    `<text x="${left + plotWidth / 2}" y="22" text-anchor="middle" font-size="14" font-weight="bold">${escapeXml(panel.title)}</text>`,
  );
  parts.push(`<rect x="${left}" y="${top}" width="${plotWidth}" height="${plotHeight}" fill="none" stroke="#999"/>`);
  for (let tick = 0; tick <= 5; tick++) {
    const xValue = x0 + ((x1 - x0) * tick) / 5;
    const yValue = y0 + ((y1 - y0) * tick) / 5;
    parts.push(`<line x1="${px(xValue)}" y1="${top}" x2="${px(xValue)}" y2="${top + plotHeight}" stroke="#eee"/>`);
    parts.push(`<line x1="${left}" y1="${py(yValue)}" x2="${left + plotWidth}" y2="${py(yValue)}" stroke="#eee"/>`);
    parts.push(
      `<text x="${px(xValue)}" y="${top + plotHeight + 16}" text-anchor="middle" font-size="11">${xValue.toFixed(2)}</text>`,
    );
    parts.push(
      `<text x="${left - 6}" y="${py(yValue) + 4}" text-anchor="end" font-size="11">${yValue.toFixed(2)}</text>`,
    );
  }
  parts.push(
    `<text x="${left + plotWidth / 2}" y="${top + plotHeight + 34}" text-anchor="middle" font-size="12">${escapeXml(panel.xLabel)}</text>`,
  );
  parts.push(
    `<text x="${left - 42}" y="${top + plotHeight / 2}" text-anchor="middle" font-size="12" transform="rotate(-90 ${left - 42} ${top + plotHeight / 2})">${escapeXml(panel.yLabel)}</text>`,
  );
  if (panel.reference !== undefined) {
    const y = py(panel.reference.y);
    parts.push(
      `<line x1="${left}" y1="${y}" x2="${left + plotWidth}" y2="${y}" stroke="#c00" stroke-dasharray="4 3"/>`,
    );
    parts.push(
      `<text x="${left + plotWidth - 4}" y="${y - 4}" text-anchor="end" font-size="11" fill="#c00">${escapeXml(panel.reference.label)}</text>`,
    );
  }
  panel.series.forEach((series, index) => {
    const inRange = series.points.filter((point) => Number.isFinite(point.x) && Number.isFinite(point.y));
    const path = inRange.map((point) => `${px(point.x).toFixed(1)},${py(point.y).toFixed(1)}`).join(' ');
    parts.push(`<polyline points="${path}" fill="none" stroke="${series.color}" stroke-width="2"/>`);
    for (const point of inRange) {
      parts.push(
        `<circle cx="${px(point.x).toFixed(1)}" cy="${py(point.y).toFixed(1)}" r="2.5" fill="${series.color}"><title>${escapeXml(point.label ?? '')}</title></circle>`,
      );
    }
    // One column: setting names are long, and two columns of them ran into each other.
    const legendY = top + plotHeight + 52 + index * 15;
    const legendX = left;
    parts.push(`<rect x="${legendX}" y="${legendY - 9}" width="12" height="3" fill="${series.color}"/>`);
    parts.push(`<text x="${legendX + 16}" y="${legendY - 4}" font-size="11">${escapeXml(series.name)}</text>`);
  });
  if (panel.marker !== undefined) {
    const { x, y, label } = panel.marker;
    parts.push(`<circle cx="${px(x)}" cy="${py(y)}" r="6" fill="none" stroke="#000" stroke-width="2"/>`);
    parts.push(`<text x="${px(x) + 8}" y="${py(y) + 14}" font-size="11">${escapeXml(label)}</text>`);
  }
  return parts.join('\n');
}

/** A self-contained SVG with the panels side by side. */
export function renderPrChart(panels: readonly ChartPanel[]): string {
  const width = 460 * panels.length;
  const legendRows = Math.max(0, ...panels.map((panel) => panel.series.length));
  const height = 350 + legendRows * 15;
  const body = panels.map((panel, index) => renderPanel(panel, index * 460)).join('\n');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" viewBox="0 0 ${width} ${height}">\n<rect width="100%" height="100%" fill="#fff"/>\n${body}\n</svg>\n`;
}
