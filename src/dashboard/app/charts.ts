import uPlot from 'uplot';
import { h } from './dom.js';

/** Series colours, distinguishable for the common colour-vision deficiencies (Okabe–Ito, then Tableau). */
export const PALETTE = [
  '#0072B2',
  '#E69F00',
  '#009E73',
  '#CC79A7',
  '#56B4E9',
  '#D55E00',
  '#F0E442',
  '#4E79A7',
  '#9C755F',
  '#BAB0AC',
];

const HEIGHT = 220;

/** A y axis as wide as its longest label (uPlot's fixed default cuts `$0.000150`). */
const axisSize: uPlot.Axis.Size = (_chart, values) =>
  values && values.length > 0 ? Math.ceil(Math.max(...values.map((value) => value.length)) * 7.2 + 18) : 40;
const AXIS = { stroke: '#5b6472', grid: { stroke: '#eceef2', width: 1 }, ticks: { stroke: '#eceef2', width: 1 } };

/** Charts by container, so that a refresh replaces the old chart and a resize reaches every chart. */
const charts = new Map<HTMLElement, uPlot>();

window.addEventListener('resize', () => {
  for (const [container, chart] of charts) chart.setSize({ width: container.clientWidth, height: HEIGHT });
});

function mount(
  container: HTMLElement,
  options: Omit<uPlot.Options, 'width' | 'height'>,
  data: uPlot.AlignedData,
): uPlot {
  charts.get(container)?.destroy();
  container.replaceChildren();
  const chart = new uPlot({ ...options, width: Math.max(container.clientWidth, 240), height: HEIGHT }, data, container);
  charts.set(container, chart);
  return chart;
}

/** A hover box listing every series' value at the cursor (uPlot's own legend is off: stacking distorts it). */
function tooltip(
  rows: (index: number) => { label: string; color: string; value: string }[],
  title: (index: number) => string,
): uPlot.Plugin {
  const box = h('div', { class: 'chart-tooltip', role: 'status' });
  return {
    hooks: {
      init: (chart) => {
        chart.over.appendChild(box);
        box.hidden = true;
      },
      setCursor: (chart) => {
        const index = chart.cursor.idx;
        const left = chart.cursor.left ?? -1;
        if (index === null || index === undefined || left < 0) {
          box.hidden = true;
          return;
        }
        box.replaceChildren(
          h('div', { class: 'chart-tooltip-title' }, title(index)),
          ...rows(index).map((row) =>
            h(
              'div',
              {},
              h('span', { class: 'swatch', style: `background:${row.color}` }),
              `${row.label}: `,
              h('b', {}, row.value),
            ),
          ),
        );
        box.hidden = false;
        const flip = left > chart.over.clientWidth / 2;
        box.style.left = flip ? '' : `${left + 12}px`;
        box.style.right = flip ? `${chart.over.clientWidth - left + 12}px` : '';
      },
    },
  };
}

function bucketTitle(bucketMs: number): (seconds: number) => string {
  return (seconds) => {
    const start = new Date(seconds * 1000);
    const options: Intl.DateTimeFormatOptions =
      bucketMs >= 86_400_000
        ? { day: 'numeric', month: 'short' }
        : { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' };
    return start.toLocaleString('en-GB', options);
  };
}

/** One stacked series: a label, a colour and a value per bucket. */
export interface StackedSeries {
  label: string;
  color: string;
  values: number[];
}

/**
 * Stacked bars: series are drawn as cumulative sums, the tallest first, so each visible segment is
 * one series (bars stay readable when only one or two buckets have data, where areas would not).
 */
export function renderStackedBars(options: {
  container: HTMLElement;
  /** Bucket starts, seconds since the epoch. */
  x: number[];
  bucketMs: number;
  series: StackedSeries[];
  format: (value: number) => string;
}): void {
  const { x, series } = options;
  const cumulative: number[][] = [];
  series.forEach((item, index) => {
    const below = cumulative[index - 1];
    cumulative.push(item.values.map((value, bucket) => value + (below?.[bucket] ?? 0)));
  });
  const drawOrder = series.map((_, index) => series.length - 1 - index);
  const title = bucketTitle(options.bucketMs);
  mount(
    options.container,
    {
      legend: { show: false },
      cursor: { points: { show: false }, drag: { x: false, y: false } },
      scales: { x: { time: true }, y: { range: (_chart, _min, max) => [0, max > 0 ? max * 1.08 : 1] } },
      axes: [AXIS, { ...AXIS, size: axisSize, values: (_chart, splits) => splits.map(options.format) }],
      series: [
        {},
        ...drawOrder.map((index) => ({
          label: series[index]?.label ?? '',
          fill: series[index]?.color ?? PALETTE[0],
          stroke: series[index]?.color ?? PALETTE[0],
          width: 0,
          paths: uPlot.paths.bars?.({ size: [0.7, 48], align: 0 }),
          points: { show: false },
        })),
      ],
      plugins: [
        tooltip(
          (bucket) =>
            series
              .map((item) => ({
                label: item.label,
                color: item.color,
                value: options.format(item.values[bucket] ?? 0),
              }))
              .reverse(),
          (bucket) => title(x[bucket] ?? 0),
        ),
      ],
    },
    [x, ...drawOrder.map((index) => cumulative[index] ?? [])],
  );
  options.container.appendChild(
    h(
      'div',
      { class: 'legend' },
      series.map((item) =>
        h(
          'span',
          { class: 'legend-item', 'data-testid': 'spend-series', 'data-key': item.label },
          h('span', { class: 'swatch', style: `background:${item.color}` }),
          `${item.label} ${options.format(item.values.reduce((sum, value) => sum + value, 0))}`,
        ),
      ),
    ),
  );
}

/** Lines of shares (0–1) over time, shown in percent; null buckets are gaps. */
export function renderShareLines(options: {
  container: HTMLElement;
  x: number[];
  bucketMs: number;
  series: { label: string; color: string; values: (number | null)[] }[];
}): void {
  const title = bucketTitle(options.bucketMs);
  const percent = (value: number | null | undefined) =>
    value === null || value === undefined ? '–' : `${(value * 100).toFixed(1)}%`;
  mount(
    options.container,
    {
      legend: { show: false },
      cursor: { drag: { x: false, y: false } },
      scales: { x: { time: true }, y: { range: [0, 1] } },
      axes: [
        AXIS,
        { ...AXIS, size: axisSize, values: (_chart, splits) => splits.map((value) => `${Math.round(value * 100)}%`) },
      ],
      series: [
        {},
        ...options.series.map((item) => ({
          label: item.label,
          stroke: item.color,
          width: 2,
          points: { show: true, size: 6, fill: item.color },
        })),
      ],
      plugins: [
        tooltip(
          (bucket) =>
            options.series.map((item) => ({
              label: item.label,
              color: item.color,
              value: percent(item.values[bucket]),
            })),
          (bucket) => title(options.x[bucket] ?? 0),
        ),
      ],
    },
    [options.x, ...options.series.map((item) => item.values)],
  );
}

/** Spend accumulating over a budget's window against its fallback, throttle and limit lines. */
export function renderBurnDown(options: {
  container: HTMLElement;
  /** Seconds since the epoch. */
  x: number[];
  spent: (number | null)[];
  limitUsd: number;
  fallbackAt: number;
  throttleAt: number;
  format: (value: number) => string;
}): void {
  const { limitUsd } = options;
  const flat = (value: number) => options.x.map(() => value);
  const lines = [
    {
      label: 'spent',
      color: '#0072B2',
      values: options.spent,
      width: 2,
      dash: undefined,
      fill: 'rgba(0,114,178,0.12)',
    },
    {
      label: `fallback ${Math.round(options.fallbackAt * 100)}%`,
      color: '#E69F00',
      values: flat(limitUsd * options.fallbackAt),
      width: 1.5,
      dash: [6, 4],
      fill: undefined,
    },
    {
      label: `throttle ${Math.round(options.throttleAt * 100)}%`,
      color: '#D55E00',
      values: flat(limitUsd * options.throttleAt),
      width: 1.5,
      dash: [6, 4],
      fill: undefined,
    },
    { label: 'limit', color: '#B42318', values: flat(limitUsd), width: 2, dash: undefined, fill: undefined },
  ];
  const dateTitle = bucketTitle(0);
  mount(
    options.container,
    {
      legend: { show: false },
      cursor: { drag: { x: false, y: false } },
      scales: {
        x: { time: true },
        y: {
          range: (_chart, _min, max) => [0, Math.max(limitUsd * 1.08, max * 1.05)],
        },
      },
      axes: [AXIS, { ...AXIS, size: axisSize, values: (_chart, splits) => splits.map(options.format) }],
      series: [
        {},
        ...lines.map((line) => ({
          label: line.label,
          stroke: line.color,
          width: line.width,
          dash: line.dash,
          fill: line.fill,
          points: { show: false },
        })),
      ],
      plugins: [
        tooltip(
          (index) =>
            lines.map((line) => {
              const value = line.values[index];
              return {
                label: line.label,
                color: line.color,
                value: value === null || value === undefined ? '–' : options.format(value),
              };
            }),
          (index) => dateTitle(options.x[index] ?? 0),
        ),
      ],
    },
    [options.x, ...lines.map((line) => line.values)],
  );
}
