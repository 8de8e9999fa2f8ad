import { PROMPT_VOCABULARY } from './prompt-vocabulary.js';

const {
  AUXILIARIES,
  SYMBOL_TERMS,
  NEGATION_KINDS,
  AUXILIARY_CLASSES,
  DEICTIC,
  SYMMETRIC_MARKERS,
  NUMBER_WORDS,
  NEGATIONS,
  COMPARISONS,
  UNITS,
  CURRENCY_SYMBOLS,
  DATES,
  STOP_WORDS,
  NOT_ENTITIES,
} = PROMPT_VOCABULARY;

/** What the verifier compares between a query and a cached prompt. */
export interface PromptFeatures {
  /** Numbers and quantities, normalised (digits as written without separators, number words as digits). */
  numbers: Set<string>;
  /** Proper-noun-like tokens: capitalised mid-sentence words, acronyms, letter-digit mixes (lower case). */
  entities: Set<string>;
  /** The entities in order of first appearance (to notice "X to Y" turned into "Y to X"). */
  entityOrder: string[];
  /** Whether the prompt states a symmetric relation (difference between, versus, compare), where order is free. */
  symmetric: boolean;
  /**
   * Whether the prompt points at something outside its own text ("this circuit", "the following
   * sentences", "the above"): two such prompts can read alike and mean different things.
   */
  deictic: boolean;
  /** Every word token, lower case (to look entities up in the other text whatever their casing). */
  words: Set<string>;
  /** The word tokens in order, lower case, apostrophes removed. */
  lowerWords: string[];
  /** Content words (stop words removed), lightly stemmed. */
  contentWords: Set<string>;
  /** How often each content word occurs ("famous for being famous" says "famous" twice). */
  contentCounts: Map<string, number>;
  /** Content words in order of first appearance, to notice two of them trading places. */
  contentOrder: string[];
  /** How often each function word occurs (pronouns, question words, prepositions: the question's frame). */
  functionCounts: Map<string, number>;
  /** Every mention of an entity, in order, repeats included ("Wizards … Muggles … Muggles"). */
  entityMentions: string[];
  /** The content word each negation applies to ("not have X" vs "not be Y"). */
  negationTargets: Set<string>;
  /** Whether the prompt is negated (not, never, n't, without, …). */
  negated: boolean;
  /** The kinds of negation used: `cannot` (can't, couldn't) is not `not` (don't, isn't), nor `never`, `no`, `without`. */
  negations: Set<string>;
  /** Comparatives and superlatives in order ("best thing … worst experience" vs "worst thing … best experience"). */
  comparisonOrder: string[];
  /** For a yes-no question, its auxiliary's class ("is"/"are" → be, "can"/"could" → can, …). */
  auxiliary: string | undefined;
  /** Comparative and superlative markers present (best, cheaper, most, …). */
  comparisons: Set<string>;
  /** What the question asks for. */
  questionType: QuestionType;
  /** Units and currencies, normalised. */
  units: Set<string>;
  /** Month, weekday and relative-day names. */
  dates: Set<string>;
}

/**
 * The kind of answer a question wants. `open` covers what/which/how phrasing, which paraphrase into
 * each other freely; `yes-no` is a question opening with an auxiliary verb ("Is…", "Can…", "Should…").
 */
export type QuestionType = 'why' | 'who' | 'when' | 'where' | 'quantity' | 'yes-no' | 'open';

/**
 * A light suffix-stripping stem that maps inflections onto one form ("phone"/"phones" → "phon",
 * "movie"/"movies" → "movi", "describe"/"described" → "describ"), enough to match word forms across
 * a paraphrase. Not a linguistic stem: both sides only need to land on the same string.
 */
export function stem(word: string): string {
  let stemmed = word;
  if (stemmed.length > 5 && stemmed.endsWith('ing')) stemmed = stemmed.slice(0, -3);
  else if (stemmed.length > 4 && stemmed.endsWith('ies')) stemmed = `${stemmed.slice(0, -3)}i`;
  else if (stemmed.length > 4 && stemmed.endsWith('ed')) stemmed = stemmed.slice(0, -2);
  else if (stemmed.length > 3 && stemmed.endsWith('s') && !/(?:ss|us|is)$/.test(stemmed))
    stemmed = stemmed.slice(0, -1);
  if (stemmed.length > 3 && stemmed.endsWith('e')) stemmed = stemmed.slice(0, -1);
  else if (stemmed.length > 3 && stemmed.endsWith('y')) stemmed = `${stemmed.slice(0, -1)}i`;
  return stemmed;
}

function classifyQuestion(lowerWords: string[]): QuestionType {
  for (const [index, word] of lowerWords.entries()) {
    const next = lowerWords[index + 1];
    if (word === 'why') return 'why';
    if (word === 'who' || word === 'whom' || word === 'whose') return 'who';
    if (word === 'when') return 'when';
    if (word === 'where') return 'where';
    if (word === 'how' && (next === 'many' || next === 'much' || next === 'long' || next === 'old' || next === 'far'))
      return 'quantity';
    if (word === 'what' || word === 'which' || word === 'how') return 'open';
  }
  return lowerWords[0] !== undefined && AUXILIARIES.has(lowerWords[0]) ? 'yes-no' : 'open';
}

/** Extracts the features the verifier compares. Pure and cheap: one pass of regexes over the text. */
export function analyzePrompt(text: string): PromptFeatures {
  const normalised = text.normalize('NFKC').replace(/[’‘]/g, "'");
  const features: PromptFeatures = {
    numbers: new Set(),
    entities: new Set(),
    entityOrder: [],
    symmetric: false,
    deictic: false,
    words: new Set(),
    lowerWords: [],
    contentWords: new Set(),
    contentCounts: new Map(),
    contentOrder: [],
    functionCounts: new Map(),
    entityMentions: [],
    negationTargets: new Set(),
    negated: false,
    negations: new Set(),
    comparisonOrder: [],
    auxiliary: undefined,
    comparisons: new Set(),
    questionType: 'open',
    units: new Set(),
    dates: new Set(),
  };
  const lowerWords = features.lowerWords;
  let sentenceStart = true;
  let pendingNegation = false;
  // Programming and symbol terms the word tokenizer would drop: C++, C#, F#, ==, (), [], *p.
  for (const term of normalised.match(SYMBOL_TERMS) ?? []) {
    const lower = term.toLowerCase();
    features.entities.add(lower);
    features.entityOrder.push(lower);
    features.words.add(lower);
  }
  for (const match of normalised.matchAll(/[\p{L}\p{N}]+(?:['.,][\p{L}\p{N}]+)*|[.!?]+|[$€£¥₹%]/gu)) {
    const token = match[0];
    if (/^[.!?]+$/.test(token)) {
      sentenceStart = true;
      continue;
    }
    const symbol = CURRENCY_SYMBOLS.get(token);
    if (symbol !== undefined) {
      features.units.add(symbol);
      continue;
    }
    const lower = token.toLowerCase().replace(/'s$/, '');
    const compact = lower.replace(/'/g, '');
    lowerWords.push(compact);
    features.words.add(compact);
    if (/^\d+(?:[.,]\d+)*$/.test(compact)) features.numbers.add(compact.replace(/,(?=\d{3}\b)/g, ''));
    else {
      // "4g", "10k", "2nd", "iphone6": the digits are a quantity and the whole token is a name.
      for (const digits of compact.match(/\d+(?:\.\d+)?/g) ?? []) features.numbers.add(digits);
      const unitSuffix = compact.match(/^\d+(?:\.\d+)?([a-z%]+)$/)?.[1];
      if (unitSuffix !== undefined && UNITS.get(unitSuffix) !== undefined)
        features.units.add(UNITS.get(unitSuffix) as string);
    }
    const numberWord = NUMBER_WORDS.get(compact);
    if (numberWord !== undefined && !(compact === 'one' || compact === 'second')) features.numbers.add(numberWord);
    if (NEGATIONS.has(compact)) {
      features.negated = true;
      features.negations.add(NEGATION_KINDS.get(compact) ?? 'not');
    }
    const comparison = COMPARISONS.get(compact);
    if (comparison !== undefined) {
      if (!features.comparisons.has(comparison)) features.comparisonOrder.push(comparison);
      features.comparisons.add(comparison);
    }
    const unit = UNITS.get(compact);
    // Single-letter units only count right after a number ("5 m", "3 g"), never as words.
    if (unit !== undefined && (compact.length > 1 || /\d\s*$/.test(normalised.slice(0, match.index)))) {
      if (!['second', 'day', 'week', 'month', 'year', 'min'].includes(compact)) features.units.add(unit);
    }
    const date = DATES.get(compact);
    if (date !== undefined && !(compact === 'may' || compact === 'march')) features.dates.add(date);
    if (SYMMETRIC_MARKERS.has(compact)) features.symmetric = true;
    // An acronym counts even when it spells a stop word ("the US", "the UN", "IT jobs").
    const isAcronym = /^[A-Z]{2,}\d*$/.test(token) && token.length <= 6;
    const isCapitalised = /^\p{Lu}/u.test(token) && !sentenceStart && !STOP_WORDS.has(compact);
    const isMixed = /\p{L}/u.test(token) && /\d/.test(token);
    if ((isAcronym || isCapitalised || isMixed) && !NOT_ENTITIES.has(compact)) {
      if (!features.entities.has(compact)) features.entityOrder.push(compact);
      features.entities.add(compact);
      features.entityMentions.push(compact);
    }
    if (!STOP_WORDS.has(compact) && !NEGATIONS.has(compact)) {
      const stemmed = stem(compact);
      if (!features.contentWords.has(stemmed)) features.contentOrder.push(stemmed);
      features.contentWords.add(stemmed);
      features.contentCounts.set(stemmed, (features.contentCounts.get(stemmed) ?? 0) + 1);
      if (pendingNegation) features.negationTargets.add(stemmed);
      pendingNegation = false;
    }
    if (STOP_WORDS.has(compact)) features.functionCounts.set(compact, (features.functionCounts.get(compact) ?? 0) + 1);
    if (NEGATIONS.has(compact)) pendingNegation = true;
    sentenceStart = false;
  }
  features.questionType = classifyQuestion(lowerWords);
  features.deictic = DEICTIC.test(normalised);
  if (features.questionType === 'yes-no') features.auxiliary = AUXILIARY_CLASSES.get(lowerWords[0] ?? '');
  return features;
}
