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
 * Reusable counts of the buckets one prompt touches, for the scoring hot path: a small open-addressing
 * table (linear probing, grown when half full) rather than an array over all `2^hashBits` buckets, so
 * counting a prompt stays in the CPU cache instead of touching megabytes at random. Call
 * {@link FeatureAccumulator.clear} before each prompt.
 */
export class FeatureAccumulator implements FeatureSink {
  /** Bucket + 1 per slot; 0 marks an empty slot. */
  private keys: Int32Array;
  private values: Float64Array;
  /** Slots in use, in first-seen order. */
  private used: Int32Array;
  private size = 0;
  private mask: number;

  constructor(initialCapacity = 4096) {
    let capacity = 16;
    while (capacity < initialCapacity) capacity *= 2;
    this.keys = new Int32Array(capacity);
    this.values = new Float64Array(capacity);
    this.used = new Int32Array(capacity);
    this.mask = capacity - 1;
  }

  add(bucket: number): void {
    const key = bucket + 1;
    let slot = Math.imul(key, 0x9e3779b1) >>> 0;
    for (;;) {
      slot &= this.mask;
      const found = this.keys[slot] as number;
      if (found === key) {
        this.values[slot] = (this.values[slot] as number) + 1;
        return;
      }
      if (found === 0) break;
      slot += 1;
    }
    this.keys[slot] = key;
    this.values[slot] = 1;
    this.used[this.size] = slot;
    this.size += 1;
    if (this.size * 2 > this.keys.length) this.grow();
  }

  private grow(): void {
    const oldKeys = this.keys;
    const oldValues = this.values;
    const oldUsed = this.used.subarray(0, this.size);
    const capacity = oldKeys.length * 2;
    this.keys = new Int32Array(capacity);
    this.values = new Float64Array(capacity);
    this.used = new Int32Array(capacity);
    this.mask = capacity - 1;
    oldUsed.forEach((oldSlot, position) => {
      const key = oldKeys[oldSlot] as number;
      let slot = Math.imul(key, 0x9e3779b1) >>> 0;
      for (;;) {
        slot &= this.mask;
        if (this.keys[slot] === 0) break;
        slot += 1;
      }
      this.keys[slot] = key;
      this.values[slot] = oldValues[oldSlot] as number;
      this.used[position] = slot;
    });
  }

  /** Number of distinct buckets seen. */
  get distinct(): number {
    return this.size;
  }

  /** The n-th distinct bucket seen. */
  bucketAt(position: number): number {
    return (this.keys[this.used[position] as number] as number) - 1;
  }

  /** How often the n-th distinct bucket occurred. */
  countAt(position: number): number {
    return this.values[this.used[position] as number] as number;
  }

  clear(): void {
    for (let position = 0; position < this.size; position += 1) {
      const slot = this.used[position] as number;
      this.keys[slot] = 0;
      this.values[slot] = 0;
    }
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

// One accumulator, reused across calls: Node runs this synchronously on one thread.
const shared = new FeatureAccumulator();

/** Hashed word and character n-gram counts of a prompt (see {@link TextFeatureConfig}). */
export function hashTextFeatures(text: string, config: TextFeatureConfig): FeatureCounts {
  shared.clear();
  collectTextFeatures(text, config, shared);
  const order = Array.from({ length: shared.distinct }, (_, position) => position).sort(
    (left, right) => shared.bucketAt(left) - shared.bucketAt(right),
  );
  const buckets = Int32Array.from(order, (position) => shared.bucketAt(position));
  const counts = Float64Array.from(order, (position) => shared.countAt(position));
  shared.clear();
  return { buckets, counts };
}
