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

/** Share of the patterns that match: a cheap, bounded measure of how strongly a family is present. */
function patternShare(text: string, patterns: readonly RegExp[]): number {
  let matched = 0;
  for (const pattern of patterns) if (pattern.test(text)) matched += 1;
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
  const words = text.split(/\s+/).filter((word) => word.length > 0).length;
  return Math.ceil(Math.max(words * 1.3, text.length / 4));
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
  return {
    length,
    codeMarkers: patternShare(text, CODE_PATTERNS),
    math: patternShare(text, MATH_PATTERNS),
    reasoningVerbs: patternShare(text, REASONING_PATTERNS),
    domainTerms: patternShare(text, DOMAIN_PATTERNS),
    questionCount: Math.min(1, questions / 3),
    // Two listed steps or two sequencing words already make a multi-step request; four saturate.
    multiStep: Math.min(1, Math.max(0, listSteps - 1) / 3 + Math.max(0, sequenceWords - 1) / 3),
    constraints: patternShare(text, CONSTRAINT_PATTERNS),
  };
}
