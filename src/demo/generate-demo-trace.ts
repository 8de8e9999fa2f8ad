import { createSeededRandom } from '../providers/simulated/create-seeded-random.js';
import {
  CODING_ERRORS,
  CODING_TASKS,
  DESIGN_QUESTIONS,
  ERROR_QUESTIONS,
  ESCALATIONS,
  SUPPORT_FAQ,
  TICKET_PARTS,
} from './demo-intents.js';
import { CODING_SYSTEM_PROMPT, SUPPORT_SYSTEM_PROMPT, TRIAGE_SYSTEM_PROMPT } from './demo-system-prompts.js';

/** Options for {@link generateDemoTrace}. */
export interface DemoTraceOptions {
  /** Requests in the trace (default 1,200). */
  requests?: number;
  /** Seed: the same seed gives the same trace, byte for byte. */
  seed?: number;
  /** First arrival (default Tuesday 3 March 2026, 09:00 UTC). */
  startMs?: number;
  /** Length of the traffic (default one hour). */
  durationMs?: number;
}

type Random = () => number;

/** Share of traffic per feature; support desk 62%, coding assistant 38%. */
const FEATURES = [
  ['faq', 0.4],
  ['triage', 0.12],
  ['extract', 0.06],
  ['escalation', 0.04],
  ['explain-error', 0.14],
  ['code-gen', 0.12],
  ['code-review', 0.08],
  ['design', 0.04],
] as const;

type Feature = (typeof FEATURES)[number][0];

function pick<T>(items: readonly T[], random: Random): T {
  return items[Math.floor(random() * items.length)] as T;
}

/** A popular-first choice: index k has weight 1/(k+1)^skew, as request popularity usually has. */
function zipf(count: number, random: Random, skew = 1.1): number {
  let total = 0;
  for (let index = 0; index < count; index++) total += 1 / (index + 1) ** skew;
  let draw = random() * total;
  for (let index = 0; index < count; index++) {
    draw -= 1 / (index + 1) ** skew;
    if (draw <= 0) return index;
  }
  return count - 1;
}

function digits(random: Random, length: number): string {
  let text = '';
  for (let index = 0; index < length; index++) text += String(Math.floor(random() * 10));
  return text;
}

function chooseFeature(random: Random): Feature {
  let draw = random();
  for (const [feature, share] of FEATURES) {
    draw -= share;
    if (draw <= 0) return feature;
  }
  return 'faq';
}

const IDENTIFIERS = ['orders', 'users', 'invoices', 'events', 'items', 'sessions', 'payments', 'jobs'];

/** A short function with a typical review finding (an unawaited promise, SQL built from input, an off-by-one). */
function codeToReview(random: Random): string {
  const noun = pick(IDENTIFIERS, random);
  const id = digits(random, 2);
  const variants = [
    `async function sync${noun[0]?.toUpperCase()}${noun.slice(1)}${id}(client, ids) {\n  for (const id of ids) {\n    client.update('${noun}', id, { syncedAt: Date.now() });\n  }\n  return ids.length;\n}`,
    `def find_${noun}_${id}(db, name):\n    query = "SELECT * FROM ${noun} WHERE name = '" + name + "'"\n    return db.execute(query).fetchall()`,
    `func last${id}(${noun} []string) []string {\n\tout := []string{}\n\tfor i := 0; i <= len(${noun}); i++ {\n\t\tif i > len(${noun})-4 {\n\t\t\tout = append(out, ${noun}[i])\n\t\t}\n\t}\n\treturn out\n}`,
    `export function total${id}(${noun}: { amount: number }[]) {\n  let sum = 0;\n  ${noun}.forEach(async (item) => { sum += await convert(item.amount); });\n  return sum;\n}`,
  ];
  return pick(variants, random);
}

function supportMessages(system: string, user: string): unknown[] {
  return [
    { role: 'system', content: system },
    { role: 'user', content: user },
  ];
}

/** One request body (with its trace fields) for a feature. */
function request(feature: Feature, random: Random): Record<string, unknown> {
  switch (feature) {
    case 'faq': {
      const intent = SUPPORT_FAQ[zipf(SUPPORT_FAQ.length, random)] as readonly string[];
      const phrasing = intent[zipf(intent.length, random, 1.6)] as string;
      return {
        tenant: 'acme-support',
        feature,
        model: 'gpt-4o',
        temperature: 0.3,
        messages: supportMessages(SUPPORT_SYSTEM_PROMPT, phrasing),
      };
    }
    case 'triage': {
      const ticket = `Ticket from ${pick(TICKET_PARTS.names, random)}: my ${pick(TICKET_PARTS.products, random)} ${pick(TICKET_PARTS.problems, random)}. Reference ${digits(random, 6)}.`;
      return {
        tenant: 'acme-support',
        feature,
        model: 'gpt-4o',
        temperature: 0,
        max_tokens: 5,
        messages: supportMessages(TRIAGE_SYSTEM_PROMPT, ticket),
      };
    }
    case 'extract': {
      const message = `Hi, this is ${pick(TICKET_PARTS.names, random)}. My ${pick(TICKET_PARTS.products, random)} ${pick(TICKET_PARTS.problems, random)}. The order number is ACM-${digits(random, 7)}.`;
      return {
        tenant: 'acme-support',
        feature,
        model: 'gpt-4o',
        temperature: 0,
        response_format: { type: 'json_object' },
        messages: supportMessages(
          SUPPORT_SYSTEM_PROMPT,
          `Extract the customer name, the product and the order number from this message as JSON with the keys name, product and order_id.\n\nMessage: ${message}`,
        ),
      };
    }
    case 'escalation':
      return {
        tenant: 'acme-support',
        feature,
        model: 'gpt-4o',
        temperature: 0.4,
        messages: supportMessages(SUPPORT_SYSTEM_PROMPT, pick(ESCALATIONS, random)),
      };
    case 'explain-error': {
      const error = CODING_ERRORS[zipf(CODING_ERRORS.length, random)] as string;
      const question = (ERROR_QUESTIONS[zipf(ERROR_QUESTIONS.length, random, 1.8)] as string).replace('{error}', error);
      return {
        tenant: 'acme-devtools',
        feature,
        model: 'gpt-4o',
        temperature: 0.2,
        messages: supportMessages(CODING_SYSTEM_PROMPT, question),
      };
    }
    case 'code-gen': {
      const task = CODING_TASKS[zipf(CODING_TASKS.length, random, 0.9)] as readonly string[];
      return {
        tenant: 'acme-devtools',
        feature,
        model: 'gpt-4o',
        temperature: 0.2,
        messages: supportMessages(CODING_SYSTEM_PROMPT, task[zipf(task.length, random, 1.4)] as string),
      };
    }
    case 'code-review':
      return {
        tenant: 'acme-devtools',
        feature,
        model: 'gpt-4o',
        temperature: 0.2,
        messages: supportMessages(
          CODING_SYSTEM_PROMPT,
          `Review this function for bugs and suggest a fix:\n\n${codeToReview(random)}`,
        ),
      };
    case 'design':
      return {
        tenant: 'acme-devtools',
        feature,
        model: 'gpt-4o',
        temperature: 0.5,
        messages: supportMessages(CODING_SYSTEM_PROMPT, pick(DESIGN_QUESTIONS, random)),
      };
    default:
      return feature satisfies never;
  }
}

/**
 * The demo trace: an hour of a support desk and a coding assistant, as OpenAI request JSONL lines with
 * `timestamp`, `tenant` and `feature`. Questions repeat with popular-first frequencies, in the same
 * words and in paraphrases; every feature sends its long shared system prompt; tickets, code and
 * design questions carry the unique and the hard traffic. Arrivals are a Poisson process whose rate
 * climbs through the hour. Deterministic for a seed.
 */
export function generateDemoTrace(options: DemoTraceOptions = {}): string[] {
  const count = options.requests ?? 1_200;
  const random = createSeededRandom(options.seed ?? 2026);
  const start = options.startMs ?? Date.UTC(2026, 2, 3, 9, 0, 0);
  const duration = options.durationMs ?? 3_600_000;
  // Rate rises from 0.7× to 1.3× the mean over the hour; gaps are exponential at the current rate.
  const meanGapMs = duration / count;
  const lines: string[] = [];
  let at = start;
  for (let index = 0; index < count; index++) {
    const progress = Math.min(1, (at - start) / duration);
    const gap = -Math.log(1 - random()) * (meanGapMs / (0.7 + 0.6 * progress));
    at = Math.min(start + duration - 1, at + gap);
    const body = request(chooseFeature(random), random);
    lines.push(JSON.stringify({ timestamp: new Date(Math.round(at)).toISOString(), ...body }));
  }
  return lines;
}
