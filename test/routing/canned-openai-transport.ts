import type { HttpRequest, HttpResponse, HttpTransport } from '../../src/http/http-transport.js';

/** What the canned model answers when the last user message contains a marker word. */
const ANSWERS: Record<string, { content: string; finish: string }> = {
  REFUSE: { content: "I'm sorry, but I can't help with that request.", finish: 'stop' },
  EMPTY: { content: '', finish: 'stop' },
  BADJSON: { content: '{"answer": "unterminated', finish: 'stop' },
  TRUNCATE: { content: 'The answer begins and then', finish: 'length' },
  JSONOK: { content: '{"answer": 42}', finish: 'stop' },
  // Any request carrying the judge's instructions gets this verdict.
  JUDGE: { content: '{"first": 7, "second": 9}', finish: 'stop' },
};

/**
 * An OpenAI-compatible upstream for tests whose answers are chosen by marker words in the prompt
 * (REFUSE, EMPTY, BADJSON, TRUNCATE, JSONOK; anything else gets a plain good answer), and a judge's
 * request the verdict first 7/10, second 9/10. Every request
 * body is kept in `seen` for assertions.
 */
export function createCannedOpenAiTransport(): HttpTransport & { seen: Record<string, unknown>[] } {
  const seen: Record<string, unknown>[] = [];
  const transport = async (request: HttpRequest): Promise<HttpResponse> => {
    const body = JSON.parse(request.body ?? '{}') as {
      model: string;
      messages: { role: string; content: string | { text?: string }[] }[];
    };
    seen.push(body as unknown as Record<string, unknown>);
    const last = [...body.messages].reverse().find((message) => message.role === 'user');
    const text =
      typeof last?.content === 'string' ? last.content : (last?.content ?? []).map((part) => part.text ?? '').join('');
    const judging = body.messages.some((message) => JSON.stringify(message.content).includes('impartial judge'));
    const marker = judging ? 'JUDGE' : Object.keys(ANSWERS).find((word) => text.includes(word));
    const answer = marker
      ? (ANSWERS[marker] as { content: string; finish: string })
      : { content: 'Fine answer.', finish: 'stop' };
    const payload = {
      id: 'chatcmpl-canned',
      object: 'chat.completion',
      created: 0,
      model: body.model,
      choices: [{ index: 0, message: { role: 'assistant', content: answer.content }, finish_reason: answer.finish }],
      usage: { prompt_tokens: 20, completion_tokens: 10, total_tokens: 30 },
    };
    const bytes = new TextEncoder().encode(JSON.stringify(payload));
    return {
      status: 200,
      headers: { 'content-type': 'application/json' },
      body: (async function* () {
        yield bytes;
      })(),
    };
  };
  return Object.assign(transport, { seen });
}
