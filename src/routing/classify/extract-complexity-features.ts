import { type PrefilteredPattern, prefilterPattern, testPrefiltered } from './required-needles.js';

/** Every feature the heuristic complexity classifier reads, each normalised to 0–1. */
export interface ComplexityFeatures {
  /** Log-scaled length: 0 for an empty prompt, 1 at the saturation length. */
  length: number;
  /** Strength of code markers. */
  codeMarkers: number;
  /** Strength of mathematical content. */
  math: number;
  /** Strength of reasoning verbs. */
  reasoningVerbs: number;
  /** Strength of high-stakes domain vocabulary. */
  domainTerms: number;
  /** Questions asked (one = 1/3, three or more = 1). */
  questionCount: number;
  /** Strength of multi-step instructions. */
  multiStep: number;
  /** Strength of explicit output constraints. */
  constraints: number;
}

/** Options for {@link extractComplexityFeatures}. */
export interface ExtractComplexityFeaturesOptions {
  /** Estimated tokens at which the length feature reaches 1. */
  lengthSaturationTokens: number;
}

const CODE_PATTERNS: readonly RegExp[] = [
  /```/,
  /\b(def|class|import|return|const|let|var|function|public|static|void|fn|impl|struct|package)\s+[\w{(]/,
  /\b(python|javascript|typescript|java|golang|rust|c\+\+|sql|regex|bash|html|css|json|yaml)\b/i,
  /\b(function|method|compile|debug|refactor|stack ?trace|exception|unit tests?|api|endpoint|algorithm)\b/i,
  /[{};]\s*\n|=>|\)\s*{|\w+\(\w*\)\s*[:{]/,
  /^\s{2,}\S.*\n\s{2,}\S/m,
  /Traceback \(most recent call last\)|at \w+ \(.*:\d+:\d+\)/,
];

const MATH_PATTERNS: readonly RegExp[] = [
  /\d\s*[-+*/^×÷=<>≤≥]\s*\d/,
  /\b[a-z]\s*[=^]\s*[-\d(a-z]/i,
  /\\(frac|sum|int|sqrt|cdot|alpha|beta|theta|pi)\b|\$[^$]+\$/,
  /[∑∫√π∞≈≠±∂∆]/,
  /\b(equation|integral|derivative|probability|matrix|theorem|lemma|proof|polynomial|logarithm|variance|expected value|solve for|percent(age)?)\b/i,
];

const REASONING_PATTERNS: readonly RegExp[] = [
  /\b(analy[sz]e|analysis|compare|comparison|contrast|derive|prove|justify|evaluate|assess|critique)\b/i,
  /\b(explain why|reason about|trade-?offs?|pros and cons|implications?|infer|deduce|hypothes[ie]s)\b/i,
  /\b(design|architect|plan|strategy|optimi[sz]e|diagnose|troubleshoot|root cause)\b/i,
  /\b(step[- ]by[- ]step|think (carefully|through)|chain of thought|walk me through)\b/i,
];

const DOMAIN_PATTERNS: readonly RegExp[] = [
  /\b(legal|law|lawsuit|contract|liability|regulat(ion|ory)|compliance|gdpr|hipaa|statute|court)\b/i,
  /\b(medical|clinical|diagnos(is|e)|symptoms?|dosage|patient|treatment|pharmac\w*)\b/i,
  /\b(financ(e|ial)|investment|tax(es|ation)?|audit|accounting|portfolio|securities|loan|mortgage)\b/i,
  /\b(safety|security|vulnerabilit(y|ies)|exploit|encryption|incident)\b/i,
];

const STEP_PATTERNS: readonly RegExp[] = [
  /^\s*(\d+[.)]|[-*•])\s+\S/gm,
  /\b(first(ly)?|second(ly)?|then|next|after that|finally|lastly)\b/gi,
];

const CONSTRAINT_PATTERNS: readonly RegExp[] = [
  /\b(must|exactly|at (most|least)|no more than|only|do not|don't|never|always)\b/i,
  /\b(json|xml|csv|table|schema|bullet points?|markdown|format)\b/i,
  /\b\d+\s*(words|sentences|characters|paragraphs|lines|items)\b/i,
];

// Each family's expressions with the plain substrings one of which any match contains: most prompts
// lack them all, and an `includes` scan is far cheaper than running the expression over 8,000 characters.
/** The pattern families behind the share features, as the classifier reads them (for tests). */
export const COMPLEXITY_PATTERN_FAMILIES: Readonly<Record<string, readonly RegExp[]>> = Object.freeze({
  codeMarkers: CODE_PATTERNS,
  math: MATH_PATTERNS,
  reasoningVerbs: REASONING_PATTERNS,
  domainTerms: DOMAIN_PATTERNS,
  constraints: CONSTRAINT_PATTERNS,
});

const CODE = CODE_PATTERNS.map(prefilterPattern);
const MATH = MATH_PATTERNS.map(prefilterPattern);
const REASONING = REASONING_PATTERNS.map(prefilterPattern);
const DOMAIN = DOMAIN_PATTERNS.map(prefilterPattern);
const CONSTRAINT = CONSTRAINT_PATTERNS.map(prefilterPattern);

/** Share of the patterns that match: a cheap, bounded measure of how strongly a family is present. */
function patternShare(text: string, lower: () => string, patterns: readonly PrefilteredPattern[]): number {
  let matched = 0;
  for (const pattern of patterns) if (testPrefiltered(pattern, text, lower)) matched += 1;
  return matched / patterns.length;
}

function countMatches(text: string, pattern: RegExp): number {
  return text.match(pattern)?.length ?? 0;
}

/**
 * Estimated tokens of a text without a tokenizer: about 1.3 per word, or a quarter of the characters
 * for text without spaces (code, CJK), whichever is larger.
 */
export function estimateTokens(text: string): number {
  return Math.ceil(Math.max(countWords(text) * 1.3, text.length / 4));
}

/** Whether a UTF-16 code unit is JavaScript whitespace (`\s`), without a regular expression. */
function isWhitespace(code: number): boolean {
  if (code <= 32) return code === 32 || (code >= 9 && code <= 13);
  if (code < 160) return false;
  return (
    code === 160 ||
    code === 0x1680 ||
    (code >= 0x2000 && code <= 0x200a) ||
    code === 0x2028 ||
    code === 0x2029 ||
    code === 0x202f ||
    code === 0x205f ||
    code === 0x3000 ||
    code === 0xfeff
  );
}

/** Runs of non-whitespace: what `text.split(/\s+/)` keeps, counted in one pass without the array. */
function countWords(text: string): number {
  let words = 0;
  let inWord = false;
  for (let index = 0; index < text.length; index++) {
    if (isWhitespace(text.charCodeAt(index))) inWord = false;
    else if (!inWord) {
      inWord = true;
      words++;
    }
  }
  return words;
}

/**
 * The complexity features of a prompt: pure, deterministic and cheap (a few regular expressions),
 * so it can run on every request.
 */
export function extractComplexityFeatures(
  text: string,
  options: ExtractComplexityFeaturesOptions = { lengthSaturationTokens: 2000 },
): ComplexityFeatures {
  const tokens = estimateTokens(text);
  const saturation = Math.max(2, options.lengthSaturationTokens);
  const length = Math.min(1, Math.log1p(tokens) / Math.log1p(saturation));
  const questions = countMatches(text, /\?(?=\s|$)/g);
  const listSteps = countMatches(text, STEP_PATTERNS[0] as RegExp);
  const sequenceWords = countMatches(text, STEP_PATTERNS[1] as RegExp);
  let lowered: string | undefined;
  const lower = (): string => {
    lowered ??= text.toLowerCase();
    return lowered;
  };
  return {
    length,
    codeMarkers: patternShare(text, lower, CODE),
    math: patternShare(text, lower, MATH),
    reasoningVerbs: patternShare(text, lower, REASONING),
    domainTerms: patternShare(text, lower, DOMAIN),
    questionCount: Math.min(1, questions / 3),
    // Two listed steps or two sequencing words already make a multi-step request; four saturate.
    multiStep: Math.min(1, Math.max(0, listSteps - 1) / 3 + Math.max(0, sequenceWords - 1) / 3),
    constraints: patternShare(text, lower, CONSTRAINT),
  };
}
