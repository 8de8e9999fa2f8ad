import { createLocalEmbedder } from '../../src/cache/embedders/create-local-embedder.js';
import { EmbeddingFileCache } from './embedding-file-cache.js';
import { loadMockPairs, splitQuoraPairs } from './load-cache-data.js';

// Embeds every evaluation text ahead of `npm run eval:cache` (which would do it too), tune split first.
const perSplit = Number(process.argv[2] ?? 8000);
const embedder = await createLocalEmbedder();
const cache = new EmbeddingFileCache(embedder);
const { tune, test } = splitQuoraPairs({ perSplit });
const texts = [
  ...loadMockPairs().flatMap((pair) => [pair.origin, pair.similar]),
  ...tune.flatMap((pair) => [pair.textA, pair.textB]),
  ...test.flatMap((pair) => [pair.textA, pair.textB]),
];
const perText = await cache.ensure(texts, (done, total) => {
  if (done % 2560 === 0 || done === total) console.error(`embedded ${done}/${total}`);
});
console.log(`cached ${cache.size} embeddings${perText === undefined ? '' : `, ${perText.toFixed(2)} ms per text`}`);
