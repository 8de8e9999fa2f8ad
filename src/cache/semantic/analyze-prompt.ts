/** What the verifier compares between a query and a cached prompt. */
export interface PromptFeatures {
  /** Numbers and quantities, normalised (digits as written without separators, number words as digits). */
  numbers: Set<string>;
  /** Proper-noun-like tokens: capitalised mid-sentence words, acronyms, letter-digit mixes (lower case). */
  entities: Set<string>;
  /** Every word token, lower case (to look entities up in the other text whatever their casing). */
  words: Set<string>;
  /** Content words (stop words removed), lightly stemmed. */
  contentWords: Set<string>;
  /** Whether the prompt is negated (not, never, n't, without, …). */
  negated: boolean;
  /** Comparative and superlative markers present (best, cheaper, most, …). */
  comparisons: Set<string>;
  /** What the question asks for. */
  questionType: QuestionType;
  /** Units and currencies, normalised. */
  units: Set<string>;
  /** Month, weekday and relative-day names. */
  dates: Set<string>;
}

/** The kind of answer a question wants; `open` covers what/which/how/yes-no phrasing, which paraphrase freely. */
export type QuestionType = 'why' | 'who' | 'when' | 'where' | 'quantity' | 'open';

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

/** A light suffix-stripping stem, enough to match plurals and verb forms across a paraphrase. */
export function stem(word: string): string {
  if (word.length > 5 && word.endsWith('ing')) return word.slice(0, -3);
  if (word.length > 4 && word.endsWith('ies')) return `${word.slice(0, -3)}y`;
  if (word.length > 4 && word.endsWith('ed')) return word.slice(0, -2);
  if (word.length > 3 && word.endsWith('es') && !word.endsWith('ses')) return word.slice(0, -1).replace(/e$/, '');
  if (word.length > 3 && word.endsWith('s') && !word.endsWith('ss')) return word.slice(0, -1);
  return word;
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
  return 'open';
}

/** Extracts the features the verifier compares. Pure and cheap: one pass of regexes over the text. */
export function analyzePrompt(text: string): PromptFeatures {
  const normalised = text.normalize('NFKC').replace(/[’‘]/g, "'");
  const features: PromptFeatures = {
    numbers: new Set(),
    entities: new Set(),
    words: new Set(),
    contentWords: new Set(),
    negated: false,
    comparisons: new Set(),
    questionType: 'open',
    units: new Set(),
    dates: new Set(),
  };
  const lowerWords: string[] = [];
  let sentenceStart = true;
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
    if (NEGATIONS.has(compact) || compact.endsWith("n't")) features.negated = true;
    const comparison = COMPARISONS[compact];
    if (comparison !== undefined) features.comparisons.add(comparison);
    const unit = UNITS[compact];
    // Single-letter units only count right after a number ("5 m", "3 g"), never as words.
    if (unit !== undefined && (compact.length > 1 || /\d\s*$/.test(normalised.slice(0, match.index)))) {
      if (!['second', 'day', 'week', 'month', 'year', 'min'].includes(compact)) features.units.add(unit);
    }
    const date = DATES[compact];
    if (date !== undefined && !(compact === 'may' || compact === 'march')) features.dates.add(date);
    const isAcronym = /^[A-Z]{2,}\d*$/.test(token) && token.length <= 6;
    const isCapitalised = /^\p{Lu}/u.test(token) && !sentenceStart;
    const isMixed = /\p{L}/u.test(token) && /\d/.test(token);
    if ((isAcronym || isCapitalised || isMixed) && !NOT_ENTITIES.has(compact) && !STOP_WORDS.has(compact)) {
      features.entities.add(compact);
    }
    if (!STOP_WORDS.has(compact) && !NEGATIONS.has(compact)) features.contentWords.add(stem(compact));
    sentenceStart = false;
  }
  features.questionType = classifyQuestion(lowerWords);
  return features;
}
