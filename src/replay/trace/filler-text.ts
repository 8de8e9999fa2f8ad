import { createSeededRandom } from '../../providers/simulated/create-seeded-random.js';

/**
 * Short, plain English words, each exactly one o200k_base token when preceded by a space, so that a
 * text of N such words is N tokens (the pre-tokenizer splits before every space-led word). They are
 * chosen to carry no task signal: no reasoning verbs, domain terms, step words, constraint words or
 * code and maths markers, so that the complexity classifier sees length and nothing else (a test holds
 * this). Short words keep ~4.8 characters per token, near real English text (~4), so that routers
 * estimating tokens from characters see about the recorded size, and every stage that scans the text
 * scans no more than the real prompt would make it.
 */
const WORDS =
  `cat dog sun red blue box cup hat pen map car bus van bed art egg ice ink jam kit lid mug nut oak owl pig rug
sea sky toy web zoo ant bee cow elk fox hen yak bag bat bin bow can cap dot fan fig gum hut jar jet leg lip
mat net pad pan pin pot ram rod row saw tap tin tub wax bell boat bowl cake coat corn deer desk door drum duck
farm fish flag fork frog gate goat hill home horn kite lake lamp leaf lime lion milk moon nest park pear pine
pond rain ring road rock roof rope rose sail salt sand seed ship shoe sink snow sock soup star tent town tree
wall wind wolf wood yard bird cold warm green gold pink gray tall long soft hard fast slow wet dry old new big
top low hot fun nice kind calm bold dark pale rich deep wide thin flat full busy easy cool fair fine good free
glad neat open real wild wise bake bark bath beam bean bear beef belt bike bite boil bone book boot bulb bull
cage calf camp cane cart cave chip city clay clip club coal coin comb cook cord crab crow cube dish dove dust
face fern film fire foam food fool gift girl glue golf grass hair hall hand harp herb hive hole hood hook hose
iron jade joke jump king knot lace lamb land lawn lens life lily lock loft mail mask meal meat mice mill mint
mist mole moss moth mule nail neck nose oven page palm path peak pearl pipe plum pole pool pork port rice robe
room root sack seal shed silk skin sled slug soap sofa song spoon tide tile toe tool tour toys tray tuna
vase vest vine wave well whip wing wire wool worm yarn zinc`.split(/\s+/);

/** Pooled filler sizes, largest first: a synthetic prompt is a unique head plus pooled pieces. */
const POOL_SIZES = [1024, 512, 256, 128, 64, 32, 16, 8, 4, 2, 1] as const;

/** Words of a unique head: enough that two requests never share a prefix or an exact cache key. */
export const HEAD_TOKENS = 8;

/** Most block texts remembered (Mooncake prefix blocks repeat within a conversation). */
const BLOCK_MEMO_SIZE = 4_096;

function words(random: () => number, count: number): string {
  const parts: string[] = new Array(count);
  for (let index = 0; index < count; index++) parts[index] = ` ${WORDS[Math.floor(random() * WORDS.length)]}`;
  return parts.join('');
}

/** Filler text of exactly `tokens` o200k_base tokens, the same for the same seed. */
export function fillerText(options: { tokens: number; seed: number }): string {
  return words(createSeededRandom(options.seed), Math.max(0, Math.floor(options.tokens)));
}

const pool = new Map<number, string>();

function pooled(size: number): string {
  let text = pool.get(size);
  if (text === undefined) {
    text = fillerText({ tokens: size, seed: 0x5eed + size });
    pool.set(size, text);
  }
  return text;
}

/**
 * The content parts of a synthetic prompt of exactly `tokens` tokens: a head unique to `seed`, then
 * pooled pieces shared by every prompt. Tokenizers memoise per part, so a long trace of synthetic
 * prompts costs little more to count than its heads; and since every prompt starts with its own head,
 * no two share a prefix (no provider prefix-cache hit the real trace would not have had).
 */
export function fillerParts(options: { tokens: number; seed: number }): string[] {
  const total = Math.max(1, Math.floor(options.tokens));
  const head = Math.min(HEAD_TOKENS, total);
  const parts = [fillerText({ tokens: head, seed: options.seed })];
  let left = total - head;
  for (const size of POOL_SIZES) {
    while (left >= size) {
      parts.push(pooled(size));
      left -= size;
    }
  }
  return parts;
}

const blocks = new Map<string, string>();

/**
 * The text of one prefix block (Mooncake's 512-token hash blocks): the same id always gives the same
 * text, so blocks shared between requests become shared text prefixes. A shorter `tokens` gives the
 * block's beginning (a request's last, partial block).
 */
export function blockText(options: { id: number; tokens: number }): string {
  const key = `${options.id}:${options.tokens}`;
  const known = blocks.get(key);
  if (known !== undefined) {
    blocks.delete(key);
    blocks.set(key, known);
    return known;
  }
  // Mix the id so that neighbouring ids do not start from neighbouring generator states.
  const text = fillerText({ tokens: options.tokens, seed: Math.imul(options.id + 1, 0x9e3779b1) ^ 0x85ebca6b });
  blocks.set(key, text);
  if (blocks.size > BLOCK_MEMO_SIZE) {
    const oldest = blocks.keys().next();
    if (!oldest.done) blocks.delete(oldest.value);
  }
  return text;
}
