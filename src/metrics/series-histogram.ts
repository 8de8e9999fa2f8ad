import {
  type Aggregator,
  Histogram,
  type HistogramConfiguration,
  type LabelValues,
  type MetricObjectWithValues,
  type MetricType,
  type MetricValueWithName,
} from 'prom-client';
import { labelsOf, SeriesIndex } from './series-index.js';

/** One labelled series of a {@link SeriesHistogram}. */
export class HistogramSeries {
  /** Observations per bucket (not cumulative); the last slot is `+Inf`. */
  readonly counts: Float64Array;
  sum = 0;
  count = 0;

  constructor(
    private readonly bounds: readonly number[],
    readonly labels: Readonly<Record<string, string>>,
  ) {
    this.counts = new Float64Array(bounds.length + 1);
  }

  /** Records one value. */
  observe(value: number): void {
    const bounds = this.bounds;
    let index = 0;
    while (index < bounds.length && value > (bounds[index] as number)) index++;
    this.counts[index] = (this.counts[index] as number) + 1;
    this.sum += value;
    this.count += 1;
  }
}

/**
 * A prom-client histogram with a fast recording path (see `SeriesCounter`): `series(...)` returns
 * a series to `observe` into with a linear bucket scan over a typed array; prom-client's own
 * `observe` hashes labels and stringifies float bucket keys on every call.
 */
export class SeriesHistogram<Label extends string> extends Histogram<Label> {
  private readonly bounds: readonly number[];
  private readonly index: SeriesIndex<HistogramSeries>;
  private readonly description: { name: string; help: string; aggregator: Aggregator; collect: () => void };

  constructor(configuration: HistogramConfiguration<Label> & { labelNames: readonly Label[]; buckets: number[] }) {
    super(configuration);
    const bounds = [...configuration.buckets].sort((left, right) => left - right);
    const names = configuration.labelNames;
    this.bounds = bounds;
    this.index = new SeriesIndex((values) => new HistogramSeries(bounds, labelsOf(names, values)));
    this.description = {
      name: configuration.name,
      help: configuration.help,
      aggregator: configuration.aggregator ?? 'sum',
      collect: () => {},
    };
    // The registry renders the text format from `getForPromString` when a metric has one (prom-client's
    // histogram does, reading its own series); point it at these series instead.
    Object.defineProperty(this, 'getForPromString', { value: () => this.get() });
  }

  /** The series for these label values, in `labelNames` order; created at first use. */
  series(...values: string[]): HistogramSeries {
    return this.index.find(values);
  }

  override async get(): Promise<MetricObjectWithValues<MetricValueWithName<Label>>> {
    const base = {
      ...this.description,
      // prom-client's typings declare a numeric enum; at run time (and in the registry) the type is this string.
      type: 'histogram' as unknown as MetricType,
    };
    const values: MetricValueWithName<Label>[] = [];
    for (const series of this.index.all()) {
      const labels = series.labels as LabelValues<Label>;
      let cumulative = 0;
      this.bounds.forEach((bound, index) => {
        cumulative += series.counts[index] as number;
        values.push({ metricName: `${base.name}_bucket`, labels: { ...labels, le: bound }, value: cumulative });
      });
      values.push({ metricName: `${base.name}_bucket`, labels: { ...labels, le: '+Inf' }, value: series.count });
      values.push({ metricName: `${base.name}_sum`, labels, value: series.sum });
      values.push({ metricName: `${base.name}_count`, labels, value: series.count });
    }
    return { ...base, values };
  }

  override reset(): void {
    super.reset();
    // prom-client's constructor calls reset() before this class's fields exist.
    if (this.index !== undefined) this.index.clear();
  }
}
