import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { COMPLEXITY_PATTERN_FAMILIES, extractComplexityFeatures } from './extract-complexity-features.js';
import { prefilterPattern, testPrefiltered } from './required-needles.js';

const ALL_PATTERNS = Object.values(COMPLEXITY_PATTERN_FAMILIES).flat();

/** Seeded texts made of the patterns' own literal fragments, shuffled with odd casing, symbols and non-ASCII letters. */
function corpus(count: number): string[] {
  const fragments = [
    ...new Set(ALL_PATTERNS.flatMap((pattern) => pattern.source.match(/[A-Za-z' +#-]{2,}/g) ?? [])),
    ...'{ } ; => ) ( ``` $ \\frac 3 * 4 x = 2 ∑ π Π ≤ \n    indented\n    twice İ ı ſ K ς Σ é Traceback (most recent call last) at f (a.js:1:2) 12 words'.split(
      ' ',
    ),
  ];
  let state = 42;
  const random = (): number => {
    state = (Math.imul(state, 1_103_515_245) + 12_345) >>> 0;
    return state / 2 ** 32;
  };
  const texts: string[] = [];
  for (let index = 0; index < count; index++) {
    const words: string[] = [];
    const length = 1 + Math.floor(random() * 12);
    for (let word = 0; word < length; word++) {
      let fragment = fragments[Math.floor(random() * fragments.length)] as string;
      const casing = random();
      if (casing < 0.3) fragment = fragment.toUpperCase();
      else if (casing < 0.5) fragment = fragment.charAt(0).toUpperCase() + fragment.slice(1);
      words.push(fragment, [' ', '\n', '', '-', '.', ' ', '\t'][Math.floor(random() * 7)] as string);
    }
    texts.push(words.join(''));
  }
  return texts;
}

describe('prefilterPattern', () => {
  it('reads required substrings from literal runs, groups and plain character classes', () => {
    assert.deepEqual(prefilterPattern(/\b(python|c\+\+|sql)\b/i).needles, ['python', 'c++', 'sql']);
    assert.deepEqual(prefilterPattern(/colou?r/).needles, ['colo']);
    assert.deepEqual(prefilterPattern(/\b(analy[sz]e|tax(es|ation)?|at (most|least))\b/i).needles, undefined);
    assert.deepEqual(prefilterPattern(/\b(analy[sz]e|tax(es|ation)?)\b/i).needles, ['analy', 'tax']);
    assert.deepEqual(prefilterPattern(/[{};]\s*\n|=>|\)\s*{/).needles, ['{', '}', ';', '=>', ')']);
    assert.deepEqual(prefilterPattern(/Traceback/i).needles, ['traceback']);
  });

  it('gives no needles where a match need contain no fixed text, where it cannot tell, or where there are many words', () => {
    for (const pattern of [/^\s{2,}\S.*\n\s{2,}\S/m, /ab|/, /[^a]/, /[a-z]+/, /(?=x)\w/, /σ/i, /\p{L}/u]) {
      assert.equal(prefilterPattern(pattern).needles, undefined, String(pattern));
    }
    // Escapes with operands are not read as literal text.
    assert.deepEqual(prefilterPattern(/a\u0041b/).needles?.includes('0041'), false);
    assert.deepEqual(prefilterPattern(/(ab)x\1y/).needles?.includes('1y'), false);
  });

  it('never rules out a text the pattern matches: same verdict as the pattern on thousands of texts', () => {
    const texts = corpus(4_000);
    let matches = 0;
    for (const pattern of ALL_PATTERNS) {
      const entry = prefilterPattern(pattern);
      for (const text of texts) {
        const expected = pattern.test(text);
        if (expected) matches++;
        assert.equal(
          testPrefiltered(entry, text, () => text.toLowerCase()),
          expected,
          `${pattern} on ${JSON.stringify(text)}`,
        );
      }
    }
    assert.ok(matches > 10_000, `the corpus exercises the patterns (${matches} matches)`);
  });

  it('leaves the complexity features as the plain expressions compute them', () => {
    for (const text of corpus(500)) {
      const features = extractComplexityFeatures(text) as unknown as Record<string, number>;
      for (const [family, patterns] of Object.entries(COMPLEXITY_PATTERN_FAMILIES)) {
        const share = patterns.filter((pattern) => pattern.test(text)).length / patterns.length;
        assert.equal(features[family], share, `${family} on ${JSON.stringify(text)}`);
      }
    }
  });
});
