/** How prompt text becomes hashed n-gram counts; stored in `router.json` so scoring matches training. */
export interface TextFeatureConfig {
  /** Features are hashed into `2^hashBits` buckets. */
  hashBits: number;
  /** Longest word n-gram (1 = unigrams, 2 = also bigrams; 0 = no word features). */
  wordNgramMax: number;
  /** Shortest character n-gram (0 = no character features). */
  charNgramMin: number;
  /** Longest character n-gram. */
  charNgramMax: number;
  /**
   * Also count the n-grams of the prompt's last segment (after its last blank line) under their own
   * namespace. In few-shot and templated prompts the last segment is the actual request, while the
   * shared preamble says nothing about this one prompt.
   */
  tailSegment: boolean;
}

/** Sparse counts: distinct buckets in ascending order, and how often each occurred. */
export interface FeatureCounts {
  buckets: Int32Array;
  counts: Float64Array;
}

/** Receives one hashed feature occurrence at a time. */
export interface FeatureSink {
  add(bucket: number): void;
}

/**
 * Reusable counts over all `2^hashBits` buckets, for the scoring hot path: no map and no garbage per
 * request. Call {@link FeatureAccumulator.clear} before each prompt.
 */
export class FeatureAccumulator implements FeatureSink {
  /** Count per bucket (zero for untouched buckets). */
  readonly counts: Float64Array;
  private touched: Int32Array;
  private size = 0;

  constructor(hashBits: number) {
    this.counts = new Float64Array(2 ** hashBits);
    this.touched = new Int32Array(1024);
  }

  add(bucket: number): void {
    if (this.counts[bucket] === 0) {
      if (this.size === this.touched.length) {
        const grown = new Int32Array(this.touched.length * 2);
        grown.set(this.touched);
        this.touched = grown;
      }
      this.touched[this.size] = bucket;
      this.size += 1;
    }
    this.counts[bucket] = (this.counts[bucket] as number) + 1;
  }

  /** Number of distinct buckets seen. */
  get distinct(): number {
    return this.size;
  }

  /** The n-th distinct bucket seen. */
  bucketAt(position: number): number {
    return this.touched[position] as number;
  }

  clear(): void {
    for (let position = 0; position < this.size; position += 1) this.counts[this.touched[position] as number] = 0;
    this.size = 0;
  }
}

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;
const WORD_PATTERN = /[\p{L}\p{N}]+|[^\s\p{L}\p{N}]/gu;

/** Namespaces keep a word "the" and a character n-gram "the" in different buckets. */
const NAMESPACE = { word: 1, bigram: 2, char: 3, tailWord: 4, tailBigram: 5, tailChar: 6 } as const;

function hashString(seed: number, text: string): number {
  let hash = (FNV_OFFSET ^ Math.imul(seed, 0x9e3779b1)) >>> 0;
  for (let index = 0; index < text.length; index += 1) {
    hash = Math.imul(hash ^ text.charCodeAt(index), FNV_PRIME);
  }
  return hash >>> 0;
}

/** Lower-cases and collapses whitespace, so formatting noise does not split features. */
export function normaliseText(text: string): string {
  return text.toLowerCase().replace(/\s+/g, ' ').trim();
}

/** The part after the prompt's last blank line, or `undefined` when there is only one part. */
export function lastSegment(text: string): string | undefined {
  const segments = text.split(/\n\s*\n/).filter((segment) => segment.trim() !== '');
  return segments.length > 1 ? segments[segments.length - 1] : undefined;
}

function addWordFeatures(options: {
  sink: FeatureSink;
  text: string;
  config: TextFeatureConfig;
  unigramSpace: number;
  bigramSpace: number;
}): void {
  const { sink, text, config } = options;
  const mask = (1 << config.hashBits) - 1;
  const words = text.match(WORD_PATTERN) ?? [];
  let previous = 0;
  for (let index = 0; index < words.length; index += 1) {
    const hash = hashString(options.unigramSpace, words[index] as string);
    if (config.wordNgramMax >= 1) sink.add(hash & mask);
    // A bigram's hash combines its two word hashes, so no joined string is built.
    if (config.wordNgramMax >= 2 && index > 0) {
      sink.add(((Math.imul(previous ^ Math.imul(options.bigramSpace, 0x85ebca6b), FNV_PRIME) ^ hash) >>> 0) & mask);
    }
    previous = hash;
  }
}

// Rolling FNV over character codes: each start position extends one hash through the n-gram lengths,
// so no substring is allocated. This keeps featurising a 4,000-character prompt well under a millisecond.
function addCharFeatures(options: { sink: FeatureSink; text: string; config: TextFeatureConfig; space: number }): void {
  const { sink, text, config } = options;
  if (config.charNgramMin <= 0) return;
  const mask = (1 << config.hashBits) - 1;
  const seed = (FNV_OFFSET ^ Math.imul(options.space, 0x9e3779b1)) >>> 0;
  for (let start = 0; start + config.charNgramMin <= text.length; start += 1) {
    let hash = seed;
    for (let length = 1; length <= config.charNgramMax && start + length <= text.length; length += 1) {
      hash = Math.imul(hash ^ text.charCodeAt(start + length - 1), FNV_PRIME);
      if (length >= config.charNgramMin) sink.add(((hash >>> 0) ^ length) & mask);
    }
  }
}

/** Feeds every hashed word and character n-gram of a prompt to a sink (see {@link TextFeatureConfig}). */
export function collectTextFeatures(text: string, config: TextFeatureConfig, sink: FeatureSink): void {
  const normalised = normaliseText(text);
  addWordFeatures({ sink, text: normalised, config, unigramSpace: NAMESPACE.word, bigramSpace: NAMESPACE.bigram });
  addCharFeatures({ sink, text: normalised, config, space: NAMESPACE.char });
  if (!config.tailSegment) return;
  const tail = lastSegment(text);
  if (tail === undefined) return;
  const normalisedTail = normaliseText(tail);
  addWordFeatures({
    sink,
    text: normalisedTail,
    config,
    unigramSpace: NAMESPACE.tailWord,
    bigramSpace: NAMESPACE.tailBigram,
  });
  addCharFeatures({ sink, text: normalisedTail, config, space: NAMESPACE.tailChar });
}

// One accumulator per bucket count, reused across calls: Node runs this synchronously on one thread.
const accumulators = new Map<number, FeatureAccumulator>();

/** Hashed word and character n-gram counts of a prompt (see {@link TextFeatureConfig}). */
export function hashTextFeatures(text: string, config: TextFeatureConfig): FeatureCounts {
  let accumulator = accumulators.get(config.hashBits);
  if (!accumulator) {
    accumulator = new FeatureAccumulator(config.hashBits);
    accumulators.set(config.hashBits, accumulator);
  }
  accumulator.clear();
  collectTextFeatures(text, config, accumulator);
  const buckets = new Int32Array(accumulator.distinct);
  for (let position = 0; position < buckets.length; position += 1) buckets[position] = accumulator.bucketAt(position);
  buckets.sort();
  const counts = new Float64Array(buckets.length);
  for (let position = 0; position < buckets.length; position += 1) {
    counts[position] = accumulator.counts[buckets[position] as number] as number;
  }
  accumulator.clear();
  return { buckets, counts };
}
