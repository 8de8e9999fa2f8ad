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
  /** Content words (stop words removed), lightly stemmed. */
  contentWords: Set<string>;
  /** How often each content word occurs ("famous for being famous" says "famous" twice). */
  contentCounts: Map<string, number>;
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

const AUXILIARIES = new Set(
  'is are was were am do does did can could should would will shall may might must has have had isnt arent doesnt dont didnt cant wont'.split(
    ' ',
  ),
);
// "this/these/that/those <noun>" mid-sentence, "the following", "the above", "attached", "below".
const SYMBOL_TERMS =
  /(?<![\w+#])[A-Za-z]{1,2}(?:\+\+|#)(?![\w+#])|[=!<>]=+|(?<![\w)])\(\)|\[\]|\{\}|(?<=\s)[*&]\w+|\w+[*&](?=\s|$)/g;
const NEGATION_KINDS: Record<string, string> = {
  cannot: 'cannot',
  cant: 'cannot',
  couldnt: 'cannot',
  never: 'never',
  without: 'without',
  no: 'no',
  none: 'no',
  nobody: 'no',
  nothing: 'no',
  nowhere: 'no',
  neither: 'no',
  nor: 'no',
};
const AUXILIARY_CLASSES: Record<string, string> = {
  is: 'be',
  are: 'be',
  was: 'be',
  were: 'be',
  am: 'be',
  isnt: 'be',
  arent: 'be',
  do: 'do',
  does: 'do',
  did: 'do',
  dont: 'do',
  doesnt: 'do',
  didnt: 'do',
  can: 'can',
  could: 'can',
  cant: 'can',
  will: 'will',
  would: 'will',
  wont: 'will',
  should: 'should',
  shall: 'should',
  must: 'should',
  may: 'may',
  might: 'may',
  has: 'have',
  have: 'have',
  had: 'have',
};
const DEICTIC =
  /\b(?:this|these|those)\s+(?!is\b|are\b|was\b|were\b|year\b|week\b|month\b|time\b|way\b|world\b|life\b|country\b|one\b|kind\b|type\b)[a-z]{3,}|\bthe (?:following|above|below|attached)\b|\b(?:link|image|picture|photo|video|code|text|passage|sentence|question)s? (?:below|above)\b|\b(?:given below|given above|as shown)\b/i;
const SYMMETRIC_MARKERS = new Set([
  'difference',
  'differences',
  'between',
  'vs',
  'versus',
  'compare',
  'compared',
  'comparison',
  'similar',
  'same',
]);

const NUMBER_WORDS: Record<string, string> = {
  zero: '0',
  one: '1',
  two: '2',
  three: '3',
  four: '4',
  five: '5',
  six: '6',
  seven: '7',
  eight: '8',
  nine: '9',
  ten: '10',
  eleven: '11',
  twelve: '12',
  thirteen: '13',
  fourteen: '14',
  fifteen: '15',
  sixteen: '16',
  seventeen: '17',
  eighteen: '18',
  nineteen: '19',
  twenty: '20',
  thirty: '30',
  forty: '40',
  fifty: '50',
  sixty: '60',
  seventy: '70',
  eighty: '80',
  ninety: '90',
  hundred: '100',
  thousand: '1000',
  million: '1e6',
  billion: '1e9',
  trillion: '1e12',
  dozen: '12',
  first: '1',
  second: '2',
  third: '3',
  fourth: '4',
  fifth: '5',
  half: '0.5',
  twice: '2',
  double: '2',
  triple: '3',
  once: '1',
};

const NEGATIONS = new Set([
  'not',
  'no',
  'never',
  'without',
  'none',
  'nobody',
  'nothing',
  'nowhere',
  'neither',
  'nor',
  'cannot',
  'cant',
  'dont',
  'doesnt',
  'didnt',
  'isnt',
  'arent',
  'wasnt',
  'werent',
  'wont',
  'wouldnt',
  'shouldnt',
  'couldnt',
  'havent',
  'hasnt',
  'hadnt',
  'aint',
  'mustnt',
]);

const COMPARISONS: Record<string, string> = {
  best: 'best',
  better: 'better',
  worst: 'worst',
  worse: 'worse',
  most: 'most',
  least: 'least',
  more: 'more',
  less: 'less',
  fewer: 'less',
  fewest: 'least',
  greatest: 'most',
  largest: 'largest',
  biggest: 'largest',
  smallest: 'smallest',
  cheapest: 'cheapest',
  cheaper: 'cheaper',
  fastest: 'fastest',
  faster: 'faster',
  slowest: 'slowest',
  slower: 'slower',
  easiest: 'easiest',
  easier: 'easier',
  hardest: 'hardest',
  harder: 'harder',
  highest: 'highest',
  higher: 'higher',
  lowest: 'lowest',
  lower: 'lower',
  longest: 'longest',
  longer: 'longer',
  shortest: 'shortest',
  shorter: 'shorter',
  oldest: 'oldest',
  older: 'older',
  newest: 'newest',
  newer: 'newer',
  youngest: 'youngest',
  younger: 'younger',
  richest: 'richest',
  richer: 'richer',
  strongest: 'strongest',
  stronger: 'stronger',
  weakest: 'weakest',
  weaker: 'weaker',
  safest: 'safest',
  safer: 'safer',
  bigger: 'larger',
  larger: 'larger',
  smaller: 'smaller',
  greater: 'more',
  top: 'best',
};

const UNITS: Record<string, string> = {
  km: 'km',
  kms: 'km',
  kilometer: 'km',
  kilometers: 'km',
  kilometre: 'km',
  kilometres: 'km',
  mile: 'mile',
  miles: 'mile',
  mi: 'mile',
  m: 'm',
  meter: 'm',
  meters: 'm',
  metre: 'm',
  metres: 'm',
  cm: 'cm',
  mm: 'mm',
  ft: 'ft',
  foot: 'ft',
  feet: 'ft',
  inch: 'inch',
  inches: 'inch',
  kg: 'kg',
  kgs: 'kg',
  kilogram: 'kg',
  kilograms: 'kg',
  kilo: 'kg',
  kilos: 'kg',
  g: 'g',
  gram: 'g',
  grams: 'g',
  lb: 'lb',
  lbs: 'lb',
  pound: 'lb',
  pounds: 'lb',
  oz: 'oz',
  ounce: 'oz',
  ounces: 'oz',
  ton: 'ton',
  tons: 'ton',
  tonne: 'ton',
  tonnes: 'ton',
  l: 'l',
  liter: 'l',
  liters: 'l',
  litre: 'l',
  litres: 'l',
  ml: 'ml',
  gallon: 'gallon',
  gallons: 'gallon',
  kb: 'kb',
  mb: 'mb',
  gb: 'gb',
  tb: 'tb',
  mbps: 'mbps',
  gbps: 'gbps',
  ghz: 'ghz',
  mhz: 'mhz',
  hz: 'hz',
  mah: 'mah',
  w: 'w',
  watt: 'w',
  watts: 'w',
  kw: 'kw',
  kwh: 'kwh',
  v: 'v',
  volt: 'v',
  volts: 'v',
  mph: 'mph',
  kmh: 'kmh',
  kph: 'kmh',
  celsius: 'celsius',
  fahrenheit: 'fahrenheit',
  kelvin: 'kelvin',
  percent: '%',
  percentage: '%',
  dollar: 'usd',
  dollars: 'usd',
  usd: 'usd',
  euro: 'eur',
  euros: 'eur',
  eur: 'eur',
  rupee: 'inr',
  rupees: 'inr',
  rs: 'inr',
  inr: 'inr',
  yen: 'jpy',
  yuan: 'cny',
  gbp: 'gbp',
  bitcoin: 'btc',
  btc: 'btc',
  second: 's',
  seconds: 's',
  sec: 's',
  minute: 'min',
  minutes: 'min',
  min: 'min',
  hour: 'h',
  hours: 'h',
  hr: 'h',
  hrs: 'h',
  day: 'day',
  days: 'day',
  week: 'week',
  weeks: 'week',
  month: 'month',
  months: 'month',
  year: 'year',
  years: 'year',
  yr: 'year',
  yrs: 'year',
  decade: 'decade',
  decades: 'decade',
  century: 'century',
  centuries: 'century',
  calorie: 'kcal',
  calories: 'kcal',
  kcal: 'kcal',
};
const CURRENCY_SYMBOLS: Record<string, string> = { $: 'usd', '€': 'eur', '£': 'gbp', '¥': 'jpy', '₹': 'inr', '%': '%' };

const DATES: Record<string, string> = {
  january: 'jan',
  february: 'feb',
  march: 'mar',
  april: 'apr',
  june: 'jun',
  july: 'jul',
  august: 'aug',
  september: 'sep',
  october: 'oct',
  november: 'nov',
  december: 'dec',
  jan: 'jan',
  feb: 'feb',
  apr: 'apr',
  jun: 'jun',
  jul: 'jul',
  aug: 'aug',
  sep: 'sep',
  sept: 'sep',
  oct: 'oct',
  nov: 'nov',
  dec: 'dec',
  monday: 'mon',
  tuesday: 'tue',
  wednesday: 'wed',
  thursday: 'thu',
  friday: 'fri',
  saturday: 'sat',
  sunday: 'sun',
  today: 'today',
  tonight: 'today',
  tomorrow: 'tomorrow',
  yesterday: 'yesterday',
  weekend: 'weekend',
};

const STOP_WORDS = new Set(
  (
    'a an the and or but if of to in on at by for with from into onto about as is are was were be been being am ' +
    'do does did doing have has had having i me my mine we us our you your yours he him his she her it its they them ' +
    'their this that these those there here what which who whom whose why how when where can could should would will ' +
    'shall may might must also just so than too very any some such own same other else ever really quora get got ' +
    'one ones way ways thing things someone something anyone anything people person good make much many lot lots like'
  ).split(' '),
);

// Capitalised words that are not names: sentence starters and the pronoun.
const NOT_ENTITIES = new Set(['i', 'im', 'ive', 'id', 'ill', 'ok', 'okay']);

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
    contentWords: new Set(),
    contentCounts: new Map(),
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
  const lowerWords: string[] = [];
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
    const symbol = CURRENCY_SYMBOLS[token];
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
      if (unitSuffix !== undefined && UNITS[unitSuffix] !== undefined) features.units.add(UNITS[unitSuffix] as string);
    }
    const numberWord = NUMBER_WORDS[compact];
    if (numberWord !== undefined && !(compact === 'one' || compact === 'second')) features.numbers.add(numberWord);
    if (NEGATIONS.has(compact)) {
      features.negated = true;
      features.negations.add(NEGATION_KINDS[compact] ?? 'not');
    }
    const comparison = COMPARISONS[compact];
    if (comparison !== undefined) {
      if (!features.comparisons.has(comparison)) features.comparisonOrder.push(comparison);
      features.comparisons.add(comparison);
    }
    const unit = UNITS[compact];
    // Single-letter units only count right after a number ("5 m", "3 g"), never as words.
    if (unit !== undefined && (compact.length > 1 || /\d\s*$/.test(normalised.slice(0, match.index)))) {
      if (!['second', 'day', 'week', 'month', 'year', 'min'].includes(compact)) features.units.add(unit);
    }
    const date = DATES[compact];
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
      features.contentWords.add(stemmed);
      features.contentCounts.set(stemmed, (features.contentCounts.get(stemmed) ?? 0) + 1);
      if (pendingNegation) features.negationTargets.add(stemmed);
      pendingNegation = false;
    }
    if (NEGATIONS.has(compact)) pendingNegation = true;
    sentenceStart = false;
  }
  features.questionType = classifyQuestion(lowerWords);
  features.deictic = DEICTIC.test(normalised);
  if (features.questionType === 'yes-no') features.auxiliary = AUXILIARY_CLASSES[lowerWords[0] ?? ''];
  return features;
}
