import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Embedder } from '../../src/cache/embedders/embedder.js';
import { PROJECT_ROOT } from './load-cache-data.js';

/**
 * Embeddings of evaluation texts kept on disk (gitignored `bench/results/*.tmp`) so the slow local
 * model runs once per text. Two append-only files: one JSON text per line and the raw float32
 * vectors in the same order; an interrupted run resumes where it stopped.
 */
export class EmbeddingFileCache {
  private readonly vectors = new Map<string, Float32Array>();
  private readonly textsFile: string;
  private readonly vectorsFile: string;

  constructor(private readonly embedder: Embedder) {
    const directory = join(PROJECT_ROOT, 'bench', 'results');
    mkdirSync(directory, { recursive: true });
    const stem = embedder.id.replace(/[^a-z0-9]+/gi, '-');
    this.textsFile = join(directory, `cache-embeddings-${stem}.texts.tmp`);
    this.vectorsFile = join(directory, `cache-embeddings-${stem}.f32.tmp`);
    this.load();
  }

  private load(): void {
    if (!existsSync(this.textsFile) || !existsSync(this.vectorsFile)) return;
    const lines = readFileSync(this.textsFile, 'utf8').split('\n');
    const bytes = readFileSync(this.vectorsFile);
    const floats = new Float32Array(bytes.buffer, bytes.byteOffset, Math.floor(bytes.byteLength / 4));
    const dimensions = this.embedder.dimensions;
    const count = Math.min(lines.length, Math.floor(floats.length / dimensions));
    for (let index = 0; index < count; index++) {
      const line = lines[index];
      if (line === undefined || line === '') break;
      this.vectors.set(JSON.parse(line) as string, floats.slice(index * dimensions, (index + 1) * dimensions));
    }
  }

  /** How many texts are already embedded. */
  get size(): number {
    return this.vectors.size;
  }

  /** Every cached vector, in the order they were embedded. */
  values(): Float32Array[] {
    return [...this.vectors.values()];
  }

  /** The cached vector of a text embedded before. */
  get(text: string): Float32Array | undefined {
    return this.vectors.get(text);
  }

  /** Embeds every text not yet on disk, in chunks, reporting progress. Returns the embedding time per text (ms) of this run. */
  async ensure(
    texts: readonly string[],
    onProgress?: (done: number, total: number) => void,
  ): Promise<number | undefined> {
    const missing = [...new Set(texts)].filter((text) => !this.vectors.has(text));
    if (missing.length === 0) return undefined;
    const chunk = 256;
    const started = performance.now();
    for (let start = 0; start < missing.length; start += chunk) {
      const batch = missing.slice(start, start + chunk);
      const vectors = await this.embedder.embed(batch);
      const joined = new Float32Array(batch.length * this.embedder.dimensions);
      vectors.forEach((vector, index) => {
        joined.set(vector, index * this.embedder.dimensions);
        this.vectors.set(batch[index] as string, vector);
      });
      // Vectors first: a crash between the two writes leaves a vector without a text, which load() ignores.
      appendFileSync(this.vectorsFile, Buffer.from(joined.buffer));
      appendFileSync(this.textsFile, `${batch.map((text) => JSON.stringify(text)).join('\n')}\n`);
      onProgress?.(Math.min(start + chunk, missing.length), missing.length);
    }
    return (performance.now() - started) / missing.length;
  }
}
