import type { ChosenFault } from './choose-fault.js';
import type { ResponsePlan } from './deliver-response.js';
import type { StreamScript } from './simulated-completion.js';

/** A response sent in one piece after a delay. */
export function singlePlan(input: {
  status: number;
  headers: Record<string, string>;
  body: string;
  delayMs?: number;
}): ResponsePlan {
  return {
    status: input.status,
    headers: input.headers,
    firstByteDelayMs: input.delayMs ?? 0,
    chunks: [{ data: input.body, delayMs: 0 }],
  };
}

/** A stream's chunks: the opening events with the first piece, then one piece per pause, then the closing events. */
export function streamChunks(script: StreamScript, pauseMs: number): ResponsePlan['chunks'] {
  const [first = '', ...rest] = script.pieces;
  return [
    { data: script.head + first, delayMs: 0 },
    ...rest.map((data) => ({ data, delayMs: pauseMs })),
    { data: script.tail, delayMs: script.pieces.length > 0 ? pauseMs : 0 },
  ];
}

/** Applies a body fault (cut, reset mid-way, malformed) to a successful plan. */
export function applyBodyFault(input: {
  plan: ResponsePlan;
  fault: ChosenFault;
  stream: boolean;
  garbage: string;
}): ResponsePlan {
  const { plan, fault, stream } = input;
  if (fault.kind !== 'cut_stream' && fault.kind !== 'reset' && fault.kind !== 'malformed') return plan;
  let chunks = plan.chunks;
  if (!stream) {
    const body = chunks.map((chunk) => chunk.data).join('');
    if (fault.kind === 'malformed') {
      const html = '<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1></body></html>';
      return {
        ...plan,
        headers: { ...plan.headers, 'content-type': 'text/html' },
        chunks: [{ data: html, delayMs: 0 }],
      };
    }
    const half = Math.floor(body.length / 2);
    chunks = [
      { data: body.slice(0, half), delayMs: 0 },
      { data: body.slice(half), delayMs: 0 },
    ];
  }
  const middle = Math.max(1, Math.floor(chunks.length / 2));
  if (fault.kind === 'malformed') {
    return {
      ...plan,
      chunks: [...chunks.slice(0, middle), { data: input.garbage, delayMs: 0 }, ...chunks.slice(middle)],
    };
  }
  return { ...plan, chunks, interruption: { afterChunks: middle, kind: fault.kind === 'reset' ? 'reset' : 'cut' } };
}
