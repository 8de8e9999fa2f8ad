/** Why a text may not be cached. */
export type ExclusionReason =
  | 'email'
  | 'card-number'
  | 'api-key'
  | 'aws-key'
  | 'phone-number'
  | 'iban'
  | 'private-key'
  | 'custom-pattern';

/** Verdict of {@link isCacheable}. */
export type CacheabilityVerdict = { cacheable: true } | { cacheable: false; reason: ExclusionReason; pattern?: string };

const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/;
// 13–19 digits, optionally grouped by spaces or dashes; confirmed by the Luhn check below.
const CARD_CANDIDATE = /(?<![\d-])\d(?:[ -]?\d){12,18}(?![\d-])/g;
const API_KEYS = [
  /\bsk-(?:proj-|ant-(?:api\d\d-)?)?[A-Za-z0-9_-]{20,}/, // OpenAI, Anthropic
  /\b(?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{36}\b/, // GitHub tokens
  /\bgithub_pat_[A-Za-z0-9_]{40,}/,
  /\bxox[abprs]-[A-Za-z0-9-]{10,}/, // Slack
  /\bAIza[0-9A-Za-z_-]{35}\b/, // Google API key
  /\b(?:sk|rk|pk)_(?:live|test)_[A-Za-z0-9]{16,}/, // Stripe
  /\btg-[A-Za-z0-9_-]{16,}/, // our own virtual keys
  /\beyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}/, // JWT
];
const AWS_KEYS = [
  /\b(?:AKIA|ASIA|AGPA|AIDA|AROA|ANPA|ANVA|AIPA)[A-Z0-9]{16}\b/,
  /aws_?secret_?access_?key\s*[:=]\s*["']?[A-Za-z0-9/+=]{40}/i,
];
const PRIVATE_KEY = /-----BEGIN (?:[A-Z]+ )?PRIVATE KEY-----/;
// International (+country code) or North-American style numbers with separators; bare digit runs
// are left alone so that "what is 1234567 squared" stays cacheable.
const PHONE = [
  /(?<![\w+])\+\d{1,3}[\s.-]?(?:\(\d{1,4}\)[\s.-]?)?\d{2,4}(?:[\s.-]?\d{2,4}){2,4}(?!\w)/,
  /(?<!\w)\(?\d{3}\)?[\s.-]\d{3}[\s.-]\d{4}(?!\w)/,
];
const IBAN_CANDIDATE = /\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,4})?\b/g;

function passesLuhn(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let index = digits.length - 1; index >= 0; index--) {
    let digit = digits.charCodeAt(index) - 48;
    if (double) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
    double = !double;
  }
  return sum % 10 === 0;
}

function passesIbanChecksum(candidate: string): boolean {
  const compact = candidate.replace(/ /g, '');
  if (compact.length < 15 || compact.length > 34) return false;
  const rearranged = compact.slice(4) + compact.slice(0, 4);
  let remainder = 0;
  for (const character of rearranged) {
    const value = /\d/.test(character) ? character : String(character.charCodeAt(0) - 55);
    for (const digit of value) remainder = (remainder * 10 + (digit.charCodeAt(0) - 48)) % 97;
  }
  return remainder === 1;
}

function containsCardNumber(text: string): boolean {
  for (const match of text.matchAll(CARD_CANDIDATE)) {
    const digits = match[0].replace(/[ -]/g, '');
    if (digits.length >= 13 && digits.length <= 19 && !/^(\d)\1+$/.test(digits) && passesLuhn(digits)) return true;
  }
  return false;
}

function containsIban(text: string): boolean {
  for (const match of text.matchAll(IBAN_CANDIDATE)) if (passesIbanChecksum(match[0])) return true;
  return false;
}

/**
 * Whether a prompt may enter (or be answered from) the semantic cache: texts carrying personal data
 * or secrets never do, so that no one's card number or key sits in a shared cache or comes back in
 * someone else's answer. Card numbers and IBANs are confirmed by their checksums to spare ordinary
 * long numbers; `extraPatterns` are the operator's own (configured) exclusions.
 */
export function isCacheable(text: string, extraPatterns: readonly RegExp[] = []): CacheabilityVerdict {
  if (PRIVATE_KEY.test(text)) return { cacheable: false, reason: 'private-key' };
  if (AWS_KEYS.some((pattern) => pattern.test(text))) return { cacheable: false, reason: 'aws-key' };
  if (API_KEYS.some((pattern) => pattern.test(text))) return { cacheable: false, reason: 'api-key' };
  if (EMAIL.test(text)) return { cacheable: false, reason: 'email' };
  if (containsCardNumber(text)) return { cacheable: false, reason: 'card-number' };
  if (containsIban(text)) return { cacheable: false, reason: 'iban' };
  if (PHONE.some((pattern) => pattern.test(text))) return { cacheable: false, reason: 'phone-number' };
  for (const pattern of extraPatterns) {
    // A configured /g or /y pattern keeps lastIndex between calls; reset so every text is tested from its start.
    pattern.lastIndex = 0;
    if (pattern.test(text)) return { cacheable: false, reason: 'custom-pattern', pattern: pattern.source };
  }
  return { cacheable: true };
}
