const SIMPLE_ESCAPES: Record<string, string> = {
  n: '\n',
  t: '\t',
  r: '\r',
  '\\': '\\',
  "'": "'",
  '"': '"',
  a: '\x07',
  b: '\b',
  f: '\f',
  v: '\v',
  '0': '\0',
};

/** Reads one Python string literal starting at `start` (the opening quote); returns it and where it ends. */
function readStringLiteral(source: string, start: number): { value: string; end: number } | undefined {
  const quote = source[start];
  if (quote !== "'" && quote !== '"') return undefined;
  let value = '';
  let position = start + 1;
  while (position < source.length) {
    const character = source[position] as string;
    if (character === quote) return { value, end: position + 1 };
    if (character !== '\\') {
      value += character;
      position += 1;
      continue;
    }
    const escaped = source[position + 1] ?? '';
    const hexLength = escaped === 'x' ? 2 : escaped === 'u' ? 4 : escaped === 'U' ? 8 : 0;
    if (hexLength > 0) {
      const hex = source.slice(position + 2, position + 2 + hexLength);
      if (!/^[0-9a-fA-F]+$/.test(hex) || hex.length !== hexLength) return undefined;
      value += String.fromCodePoint(Number.parseInt(hex, 16));
      position += 2 + hexLength;
    } else if (escaped === '\n') {
      position += 2;
    } else {
      // Python keeps unknown escapes verbatim, backslash included.
      value += SIMPLE_ESCAPES[escaped] ?? `\\${escaped}`;
      position += 2;
    }
  }
  return undefined;
}

/**
 * Decodes a prompt that RouterBench stores as the `repr()` of a Python list of strings
 * (`['first turn', "second turn"]`), joining the parts with a blank line. Text that is not such a
 * literal is returned unchanged, so plain prompts pass through.
 */
export function decodePythonStringList(text: string): string {
  const trimmed = text.trim();
  if (!trimmed.startsWith('[') || !trimmed.endsWith(']')) return text;
  const parts: string[] = [];
  let position = 1;
  const skipSpace = () => {
    while (position < trimmed.length && /\s/.test(trimmed[position] as string)) position += 1;
  };
  skipSpace();
  while (position < trimmed.length - 1) {
    const literal = readStringLiteral(trimmed, position);
    if (!literal) return text;
    parts.push(literal.value);
    position = literal.end;
    skipSpace();
    if (trimmed[position] === ',') {
      position += 1;
      skipSpace();
    } else if (position !== trimmed.length - 1) {
      return text;
    }
  }
  return parts.length === 0 ? text : parts.join('\n\n');
}
