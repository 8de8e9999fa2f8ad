import { createSeededRandom } from '../../providers/simulated/create-seeded-random.js';

/**
 * Common English words, each exactly one o200k_base token when preceded by a space, so that a text of
 * N such words is N tokens (the pre-tokenizer splits before every space-led word). Plain words keep
 * the complexity classifier and the PII exclusions neutral: the router sees length, nothing else.
 */
const WORDS =
  `account action activity address advice after again against agent agree air allow almost alone along already
also always amount analysis animal another answer any anyone anything appear apply area argue around arrive
article artist ask assume attack attention audience author available avoid away baby back bad bag ball bank
bar base basic beat beautiful because become bed before begin behavior behind believe benefit best better
between beyond big bill billion bit black blood blue board body book born both box boy break bring brother
budget build building business buy call camera campaign can cancel capital car card care career carry case
catch cause cell center central century certain chair challenge chance change character charge check child
choice choose church city civil claim class clear close coach cold collection college color come common
community company compare computer concern condition conference consider consumer contain continue control
cost could country couple course court cover create crime cultural culture cup current customer cut dark data
daughter day dead deal death debate decade decide decision deep defense degree delivery describe design
despite detail determine develop difference different difficult dinner direction director discover discuss
disease doctor dog door down draw dream drive drop during each early east easy eat economic economy edge
education effect effort eight either election else employee end energy enjoy enough enter entire environment
especially establish even evening event ever every everybody evidence exactly example executive exist expect
experience expert explain eye face fact factor fail fall family far fast father fear federal feel few field
fight figure file fill film final finally financial find fine finger finish fire firm first fish five floor
fly focus follow food foot force foreign forget form former forward four free friend from front full fund
future game garden gas general generation girl give glass goal good government great green ground group grow
growth guess gun guy hair half hand hang happen happy hard have head health hear heart heat heavy help here
herself high himself history hold home hope hospital hot hotel hour house however huge human hundred husband
idea identify image imagine impact important improve include increase indeed indicate individual industry
information inside instead institution interest interesting international interview into invoice issue item
itself job join just keep key kid kill kind kitchen know knowledge land language large last late later laugh
law lawyer lay lead leader learn least leave left leg legal less letter level lie life light like likely line
list listen little live local long look lose loss lot love low machine magazine main maintain major majority
make manage management manager many market marriage material matter maybe mean measure media medical meet
meeting member memory mention message method middle might military million mind minute miss mission model
modern moment money month more morning most mother mouth move movement movie much music must myself name
nation national natural nature near nearly necessary need network never news newspaper next nice night none
nor north note nothing notice number occur offer office officer official often once only onto open operation
opportunity option order organization other others outside over own owner page pain painting paper parent part
participant particular partner party pass past patient pattern pay peace people perform perhaps period person
personal phone physical pick picture piece place plan plant play player point police policy political politics
poor popular population position positive possible power practice prepare present president pressure pretty
prevent price private probably problem process produce product production professional program project
property protect prove provide public pull purpose push quality question quickly quite race radio raise range
rate rather reach read ready real reality realize really reason receive recent recently recognize record
reduce reflect region relate relationship remain remember remove report represent require research resource
respond response rest result return reveal rich right rise risk road rock role room rule run safe same save
scene school science score sea season seat second section security see seek seem sell send senior sense series
serious serve service set seven several shake share shoot short shot should shoulder show side sign
significant similar simple simply since sing single sister sit site situation six size skill skin small smile
social society soldier some somebody someone something sometimes son song soon sort sound source south
southern space speak special specific speech spend sport spring staff stage stand standard star start state
statement station stay step still stock stop store story strategy street strong structure student study stuff
style subject success successful such suddenly suffer suggest summer support sure surface system table take
talk task teach teacher team technology television tell ten tend term test than thank that their them
themselves then theory there these they thing think third this those though thought thousand threat three
through throughout throw thus time today together tonight too top total tough toward town trade traditional
training travel treat treatment tree trial trip trouble true truth try turn two type under understand unit
until upon usually value various very victim view violence visit voice vote wait walk wall want watch water
way weapon wear week weight well west western what whatever when where whether which while white whole whom
whose why wide wife will win wind window wish with within without woman wonder word work worker world worry
would write writer wrong yard yeah year yes yet young yourself`.split(/\s+/);

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
