/** SentencePiece's word-boundary mark, which stands for a space. */
const SEPARATOR = '\u2581';
/** Ids below this are control symbols (`<unk>`, `<s>`…) that no text maps to. */
const RESERVED_SYMBOLS = 6;

interface TrieNode {
  children: Map<string, TrieNode>;
  /** Set on the node where a piece ends. */
  piece?: Piece;
}

interface Piece {
  /** The piece's symbols (code points). */
  length: number;
  score: number;
  id: number;
}

/**
 * The tokenizer of Universal Sentence Encoder Lite: SentencePiece unigram segmentation (the path of
 * highest summed piece score) over the model's 8k vocabulary. A TypeScript port of the one in
 * TensorFlow.js models (`universal-sentence-encoder/src/tokenizer`, Apache-2.0), the code
 * `@energetic-ai/embeddings` bundles, kept token for token the same, quirks included (a `>=` that
 * prefers later candidates, backtracking by the UTF-16 length of a piece, merged runs of unknowns),
 * so that the vectors are those the model always gave. It scans from a start index instead of
 * copying the rest of the text at every position, which made long texts quadratic.
 */
export class UseLiteTokenizer {
  private readonly root: TrieNode = { children: new Map() };

  constructor(private readonly vocabulary: readonly (readonly [string, number])[]) {
    for (let id = RESERVED_SYMBOLS; id < vocabulary.length; id++) {
      const [text, score] = vocabulary[id] as readonly [string, number];
      const symbols = [...text];
      let node = this.root;
      for (const symbol of symbols) {
        let child = node.children.get(symbol);
        if (child === undefined) {
          child = { children: new Map() };
          node.children.set(symbol, child);
        }
        node = child;
      }
      if (symbols.length > 0) node.piece = { length: symbols.length, score, id };
    }
  }

  /** Pieces of the vocabulary that `symbols` starts with at `start`; an unknown symbol alone if none. */
  private matchesAt(symbols: readonly string[], start: number): Piece[] {
    const matches: Piece[] = [];
    let node = this.root.children.get(symbols[start] as string);
    for (let index = start; index < symbols.length && node !== undefined; index++) {
      if (node.piece !== undefined) matches.push(node.piece);
      const next = symbols[index + 1];
      node = next === undefined ? undefined : node.children.get(next);
    }
    if (matches.length === 0) matches.push({ length: 1, score: 0, id: 0 });
    return matches;
  }

  /** Token ids of `input`, in order. */
  encode(input: string): number[] {
    const normalized = input.normalize('NFKC');
    const text = normalized.length > 0 ? SEPARATOR + normalized.replace(/ /g, SEPARATOR) : normalized;
    const symbols = [...text];
    // endings[end]: the pieces that end before symbol `end`, by ascending start (the order the
    // original visits them in, a for…in over integer keys), as they are found.
    const endings: Piece[][] = Array.from({ length: symbols.length + 1 }, () => []);
    for (let start = 0; start < symbols.length; start++) {
      for (const piece of this.matchesAt(symbols, start)) (endings[start + piece.length] as Piece[]).push(piece);
    }
    const best = new Array<number>(symbols.length + 1).fill(0);
    const words = new Array<number>(symbols.length + 1).fill(0);
    for (let end = 0; end <= symbols.length; end++) {
      for (const piece of endings[end] as Piece[]) {
        const score = piece.score + (best[end - piece.length] as number);
        if (best[end] === 0 || score >= (best[end] as number)) {
          best[end] = score;
          words[end] = piece.id;
        }
      }
    }
    const reversed: number[] = [];
    let position = words.length - 1;
    while (position > 0) {
      const id = words[position] as number;
      reversed.push(id);
      position -= (this.vocabulary[id] as readonly [string, number])[0].length;
    }
    const merged: number[] = [];
    let previousUnknown = false;
    for (const id of reversed) {
      if (!(previousUnknown && id === 0)) merged.push(id);
      previousUnknown = id === 0;
    }
    return merged.reverse();
  }
}
