/**
 * The fixed answers of the instant mock: one realistic OpenAI chat completion (~60 output tokens)
 * and the same answer as a stream of 16 content chunks, built once so that serving them costs
 * nothing but the write.
 */

const ANSWER_WORDS = (
  'The gateway forwards each request to the cheapest model that can answer it, keeps the ' +
  'provider prefix cache warm, and writes one ledger record per request with the five token ' +
  'kinds, so that spend can be split by tenant, feature and model without guessing.'
).split(' ');

const USAGE = {
  prompt_tokens: 24,
  completion_tokens: 60,
  total_tokens: 84,
  prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
  completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0 },
};

const CREATED = 1_767_225_600;

/** A non-streamed chat completion body for `model`. */
export function renderCompletion(model: string): Buffer {
  return Buffer.from(
    JSON.stringify({
      id: 'chatcmpl-bench-0001',
      object: 'chat.completion',
      created: CREATED,
      model,
      system_fingerprint: 'fp_bench',
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content: ANSWER_WORDS.join(' '), refusal: null },
          logprobs: null,
          finish_reason: 'stop',
        },
      ],
      usage: USAGE,
    }),
  );
}

const CHUNKS_PER_STREAM = 16;

/** A complete SSE body; the usage chunk is there only when the client asked for it, as at OpenAI. */
export function renderCompletionStream(options: { model: string; includeUsage: boolean }): Buffer {
  const base = { id: 'chatcmpl-bench-0001', object: 'chat.completion.chunk', created: CREATED, model: options.model };
  const events: unknown[] = [
    {
      ...base,
      choices: [{ index: 0, delta: { role: 'assistant', content: '' }, logprobs: null, finish_reason: null }],
    },
  ];
  const perChunk = Math.ceil(ANSWER_WORDS.length / CHUNKS_PER_STREAM);
  for (let start = 0; start < ANSWER_WORDS.length; start += perChunk) {
    const text =
      ANSWER_WORDS.slice(start, start + perChunk).join(' ') + (start + perChunk < ANSWER_WORDS.length ? ' ' : '');
    events.push({ ...base, choices: [{ index: 0, delta: { content: text }, logprobs: null, finish_reason: null }] });
  }
  events.push({ ...base, choices: [{ index: 0, delta: {}, logprobs: null, finish_reason: 'stop' }] });
  if (options.includeUsage) events.push({ ...base, choices: [], usage: USAGE });
  const lines = events.map((event) => `data: ${JSON.stringify(event)}\n\n`);
  lines.push('data: [DONE]\n\n');
  return Buffer.from(lines.join(''));
}
