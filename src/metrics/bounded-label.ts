import { scrubSecrets } from '../logging/create-logger.js';

/** The label value every value beyond the bound folds into. */
export const OTHER_LABEL = 'other';
/** The label value for a missing value. */
export const NONE_LABEL = 'none';

/** Longest label value kept; longer values are cut (a label is a name, not a document). */
const MAX_LABEL_LENGTH = 64;

/**
 * Keeps a metric label's cardinality bounded: the first `max` distinct values seen are exported as
 * they are, every later one as `other`. Values come from request headers, so each admitted value is
 * also cut to a sane length and scrubbed of anything key-shaped. Only the first sight of a value pays
 * for that; later lookups are one map read.
 */
export class BoundedLabel {
  private readonly known = new Map<string, string>();
  private readonly max: number;

  constructor(max: number) {
    this.max = Math.max(0, Math.floor(max));
  }

  /** The label value to export for `value`. */
  get(value: string | undefined | null): string {
    if (value === undefined || value === null || value === '') return NONE_LABEL;
    const known = this.known.get(value);
    if (known !== undefined) return known;
    if (this.known.size >= this.max) return OTHER_LABEL;
    const label = scrubSecrets(value.slice(0, MAX_LABEL_LENGTH));
    this.known.set(value, label);
    return label;
  }

  /** Distinct values admitted so far. */
  get size(): number {
    return this.known.size;
  }
}
