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

/** Sparse counts: bucket → count. */
export type FeatureCounts = Map<number, number>;

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

function add(counts: FeatureCounts, bucket: number): void {
  counts.set(bucket, (counts.get(bucket) ?? 0) + 1);
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
  counts: FeatureCounts;
  text: string;
  config: TextFeatureConfig;
  unigramSpace: number;
  bigramSpace: number;
}): void {
  const { counts, text, config } = options;
  const mask = (1 << config.hashBits) - 1;
  const words = text.match(WORD_PATTERN) ?? [];
  for (let index = 0; index < words.length; index += 1) {
    const word = words[index] as string;
    if (config.wordNgramMax >= 1) add(counts, hashString(options.unigramSpace, word) & mask);
    if (config.wordNgramMax >= 2 && index > 0) {
      add(counts, hashString(options.bigramSpace, `${words[index - 1]} ${word}`) & mask);
    }
  }
}

// Rolling FNV over character codes: each start position extends one hash through the n-gram lengths,
// so no substring is allocated. This keeps featurising a 4,000-character prompt well under a millisecond.
function addCharFeatures(options: {
  counts: FeatureCounts;
  text: string;
  config: TextFeatureConfig;
  space: number;
}): void {
  const { counts, text, config } = options;
  if (config.charNgramMin <= 0) return;
  const mask = (1 << config.hashBits) - 1;
  const seed = (FNV_OFFSET ^ Math.imul(options.space, 0x9e3779b1)) >>> 0;
  for (let start = 0; start + config.charNgramMin <= text.length; start += 1) {
    let hash = seed;
    for (let length = 1; length <= config.charNgramMax && start + length <= text.length; length += 1) {
      hash = Math.imul(hash ^ text.charCodeAt(start + length - 1), FNV_PRIME);
      if (length >= config.charNgramMin) add(counts, ((hash >>> 0) ^ length) & mask);
    }
  }
}

/** Hashed word and character n-gram counts of a prompt (see {@link TextFeatureConfig}). */
export function hashTextFeatures(text: string, config: TextFeatureConfig): FeatureCounts {
  const counts: FeatureCounts = new Map();
  const normalised = normaliseText(text);
  addWordFeatures({ counts, text: normalised, config, unigramSpace: NAMESPACE.word, bigramSpace: NAMESPACE.bigram });
  addCharFeatures({ counts, text: normalised, config, space: NAMESPACE.char });
  if (config.tailSegment) {
    const tail = lastSegment(text);
    if (tail !== undefined) {
      const normalisedTail = normaliseText(tail);
      addWordFeatures({
        counts,
        text: normalisedTail,
        config,
        unigramSpace: NAMESPACE.tailWord,
        bigramSpace: NAMESPACE.tailBigram,
      });
      addCharFeatures({ counts, text: normalisedTail, config, space: NAMESPACE.tailChar });
    }
  }
  return counts;
}
