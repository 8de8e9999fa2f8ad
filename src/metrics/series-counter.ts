import {
  Counter,
  type CounterConfiguration,
  type LabelValues,
  type MetricObjectWithValues,
  type MetricValue,
} from 'prom-client';
import { labelsOf, SeriesIndex } from './series-index.js';

/** One labelled series of a {@link SeriesCounter}: add to `value`. */
export interface CounterSeries {
  value: number;
  readonly labels: Readonly<Record<string, string>>;
}

/**
 * A prom-client counter with a fast recording path for the request path: `series(...)` returns a
 * plain object to add to (a few map reads; no label validation or hashing per increment), and the
 * registry reads the series at scrape time. prom-client's own `inc` hashes the labels on every
 * call, which adds up over a dozen series per request.
 */
export class SeriesCounter<Label extends string> extends Counter<Label> {
  private readonly index: SeriesIndex<CounterSeries>;

  constructor(configuration: CounterConfiguration<Label> & { labelNames: readonly Label[] }) {
    super(configuration);
    const names = configuration.labelNames;
    this.index = new SeriesIndex((values) => ({ value: 0, labels: labelsOf(names, values) }));
  }

  /** The series for these label values, in `labelNames` order; created at first use. */
  series(...values: string[]): CounterSeries {
    return this.index.find(values);
  }

  override async get(): Promise<MetricObjectWithValues<MetricValue<Label>>> {
    // The base supplies name, help, type and aggregator; its own (unused) series are empty.
    const base = await super.get();
    return {
      ...base,
      values: this.index.all().map((series) => ({ value: series.value, labels: series.labels as LabelValues<Label> })),
    };
  }

  override reset(): void {
    super.reset();
    // prom-client's constructor calls reset() before this class's fields exist.
    if (this.index !== undefined) this.index.clear();
  }
}
