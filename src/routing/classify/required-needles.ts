/**
 * Plain substrings at least one of which every match of a regular expression contains, found by
 * reading the expression's source: a cheap `includes` scan rules most patterns out on most prompts
 * before the expression runs. Only literal characters are read; anything the reader does not
 * understand (character classes with ranges, backreferences, lookarounds) counts as "could be
 * anything", so the needles are never wrong, at worst absent.
 */

/** One element of a sequence: a literal character, a set of alternative needles, or anything. */
type Atom = { kind: 'char'; char: string } | { kind: 'set'; needles: string[] } | { kind: 'any' } | { kind: 'empty' };

/** What a parsed sequence or alternation guarantees: one of these needles appears in every match. */
type Needles = string[] | undefined;

/** More needles of two or more characters than this cost more to look for than they save. */
const MAX_NEEDLES = 3;

const LITERAL_ESCAPES = new Set([...'()[]{}.*+?^$|\\/-:"\'#&%!,;<=>@`~ ']);

class NeedleReader {
  private position = 0;

  constructor(private readonly source: string) {}

  /** Whether the whole source was read (a stray `)` stops the reader early). */
  done(): boolean {
    return this.position >= this.source.length;
  }

  /** Needles of an alternation up to `)` or the end. */
  alternation(): Needles {
    const branches: Needles[] = [this.sequence()];
    while (this.source[this.position] === '|') {
      this.position++;
      branches.push(this.sequence());
    }
    if (branches.some((branch) => branch === undefined)) return undefined;
    return [...new Set(branches.flat() as string[])];
  }

  /** The best needles of one branch: the longest run of required literal characters, or a required group's. */
  private sequence(): Needles {
    const atoms: { atom: Atom; required: boolean; repeatable: boolean }[] = [];
    while (this.position < this.source.length) {
      const char = this.source[this.position] as string;
      if (char === '|' || char === ')') break;
      const atom = this.atom();
      const quantifier = this.quantifier();
      atoms.push({ atom, required: quantifier.min > 0, repeatable: quantifier.repeatable });
    }
    const candidates: string[][] = [];
    let run = '';
    const endRun = (): void => {
      if (run !== '') candidates.push([run]);
      run = '';
    };
    for (const { atom, required, repeatable } of atoms) {
      if (atom.kind === 'empty') continue;
      if (atom.kind === 'char' && required) {
        run += atom.char;
        // `a+` is at least one `a`, but what follows need not come right after the first.
        if (repeatable) endRun();
        continue;
      }
      endRun();
      if (atom.kind === 'set' && required) candidates.push(atom.needles);
    }
    endRun();
    if (candidates.length === 0) return undefined;
    // The fewest chances of a false "maybe": the longest shortest needle, then the fewest needles.
    candidates.sort(
      (a, b) => Math.min(...b.map((n) => n.length)) - Math.min(...a.map((n) => n.length)) || a.length - b.length,
    );
    return candidates[0];
  }

  private atom(): Atom {
    const char = this.source[this.position++] as string;
    if (char === '^' || char === '$') return { kind: 'empty' };
    if (char === '.') return { kind: 'any' };
    if (char === '\\') {
      const next = this.source[this.position++] ?? '';
      if (next === 'b' || next === 'B') return { kind: 'empty' };
      if (LITERAL_ESCAPES.has(next)) return { kind: 'char', char: next };
      this.skipEscapeOperand(next);
      return { kind: 'any' };
    }
    if (char === '[') return this.characterClass();
    if (char === '(') {
      // Lookarounds and named groups are read as "anything"; plain and non-capturing groups recurse.
      if (this.source[this.position] === '?') {
        if (this.source[this.position + 1] !== ':') {
          this.skipGroup();
          return { kind: 'any' };
        }
        this.position += 2;
      }
      const inner = this.alternation();
      this.position++; // the closing parenthesis
      return inner === undefined ? { kind: 'any' } : { kind: 'set', needles: inner };
    }
    return { kind: 'char', char };
  }

  /** A class of plain characters (`[{};]`) is a set of one-character needles; anything else is "any". */
  private characterClass(): Atom {
    const members: string[] = [];
    let plain = this.source[this.position] !== '^';
    while (this.position < this.source.length && this.source[this.position] !== ']') {
      let char = this.source[this.position++] as string;
      if (char === '\\') {
        char = this.source[this.position++] ?? '';
        if (!LITERAL_ESCAPES.has(char)) plain = false;
      } else if (char === '-' && members.length > 0 && this.source[this.position] !== ']') {
        plain = false;
      }
      members.push(char);
    }
    this.position++; // the closing bracket
    return plain && members.length > 0 ? { kind: 'set', needles: members } : { kind: 'any' };
  }

  /** Skips what follows `\x`, `\u`, `\c`, `\k` or a backreference's digit, so it is not read as literal text. */
  private skipEscapeOperand(letter: string): void {
    const rest = this.source.slice(this.position);
    const operand =
      letter === 'x'
        ? /^[0-9a-f]{0,2}/i.exec(rest)
        : letter === 'u'
          ? /^(\{[0-9a-f]*\}|[0-9a-f]{0,4})/i.exec(rest)
          : letter === 'c'
            ? /^[a-z]?/i.exec(rest)
            : letter === 'k'
              ? /^(<[^>]*>)?/.exec(rest)
              : /^[0-9]/.test(letter)
                ? /^[0-9]*/.exec(rest)
                : null;
    this.position += operand?.[0].length ?? 0;
  }

  private skipGroup(): void {
    let depth = 1;
    while (this.position < this.source.length && depth > 0) {
      const char = this.source[this.position++];
      if (char === '\\') this.position++;
      else if (char === '[') {
        while (this.position < this.source.length && this.source[this.position] !== ']') {
          if (this.source[this.position] === '\\') this.position++;
          this.position++;
        }
        this.position++;
      } else if (char === '(') depth++;
      else if (char === ')') depth--;
    }
  }

  private quantifier(): { min: number; repeatable: boolean } {
    const char = this.source[this.position];
    let result = { min: 1, repeatable: false };
    if (char === '?') result = { min: 0, repeatable: false };
    else if (char === '*') result = { min: 0, repeatable: true };
    else if (char === '+') result = { min: 1, repeatable: true };
    else if (char === '{') {
      const match = /^\{(\d+)(,?)(\d*)\}/.exec(this.source.slice(this.position));
      if (!match) return result;
      this.position += match[0].length;
      const min = Number(match[1] || 0);
      this.lazy();
      return { min, repeatable: match[2] === ',' || min > 1 };
    } else return result;
    this.position++;
    this.lazy();
    return result;
  }

  private lazy(): void {
    if (this.source[this.position] === '?') this.position++;
  }
}

/** A pattern with its needles: `test` runs the expression only when a needle is present. */
export interface PrefilteredPattern {
  /** The expression. */
  pattern: RegExp;
  /** Substrings one of which any match contains; undefined: none known. */
  needles: readonly string[] | undefined;
  /** Whether the needles are lower-case letters to look for in the lower-cased text (case-insensitive patterns). */
  inLowerCase: boolean;
}

/** Reads a pattern's needles (see the module comment). Unicode-mode patterns get none. */
export function prefilterPattern(pattern: RegExp): PrefilteredPattern {
  const none: PrefilteredPattern = { pattern, needles: undefined, inLowerCase: false };
  if (pattern.unicode || pattern.flags.includes('v')) return none;
  const reader = new NeedleReader(pattern.source);
  const needles = reader.alternation();
  if (!needles || !reader.done() || needles.some((needle) => needle === '')) return none;
  // An `includes` scan per needle costs about what the expression's whole alternation costs (V8
  // compiles it well), so a long list of words is not worth checking first; a few words, and any
  // number of single characters (found at memchr speed), are.
  if (needles.filter((needle) => needle.length > 1).length > MAX_NEEDLES) return none;
  // Case-insensitive matching folds some letters outside ASCII (σ/ς) that lower-casing keeps apart.
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the ASCII range is the point
  if (pattern.ignoreCase && needles.some((needle) => /[^\x00-\x7f]/.test(needle))) return none;
  const cased = pattern.ignoreCase && needles.some((needle) => needle.toLowerCase() !== needle.toUpperCase());
  return {
    pattern,
    needles: cased ? [...new Set(needles.map((needle) => needle.toLowerCase()))] : needles,
    inLowerCase: cased,
  };
}

/**
 * Whether a prefiltered pattern matches `text`, exactly as `pattern.test(text)` would (for patterns
 * without the global or sticky flag). `lower` gives `text.toLowerCase()` (asked for only when a
 * case-insensitive pattern has letters among its needles; the caller computes it once): outside
 * ASCII, lower-casing never turns a character that a case-insensitive, non-Unicode pattern would
 * match into one it would not, so a needle present in the match is present in the lower-cased text.
 */
export function testPrefiltered(entry: PrefilteredPattern, text: string, lower: () => string): boolean {
  const { needles } = entry;
  if (needles !== undefined) {
    const haystack = entry.inLowerCase ? lower() : text;
    if (!needles.some((needle) => haystack.includes(needle))) return false;
  }
  return entry.pattern.test(text);
}
