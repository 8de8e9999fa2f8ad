import type { ChatRequest, GatewayError, StreamPart, Usage } from '../../spec/index.js';
import type { RenderContext, StreamRenderer } from '../client-protocol.js';
import { mapFinishReason, type OpenAiFinishReason } from './map-finish-reason.js';
import { completionId } from './render-chat-response.js';
import { renderError } from './render-error.js';
import { renderUsage } from './render-usage.js';

interface Delta {
  role?: 'assistant';
  content?: string;
  refusal?: null;
  reasoning_content?: string;
  tool_calls?: {
    index: number;
    id?: string;
    type?: 'function';
    function: { name?: string; arguments: string };
  }[];
}

function frame(payload: unknown): string {
  return `data: ${JSON.stringify(payload)}\n\n`;
}

/**
 * Renders stream parts as OpenAI `chat.completion.chunk` frames: a first chunk with the assistant
 * role, content / reasoning / tool-call deltas, a finish chunk, then, only when the client asked with
 * `stream_options.include_usage`, a usage chunk with `choices: []` (cost included), then `[DONE]`.
 * As OpenAI does, every chunk carries `usage: null` when usage was asked for.
 *
 * A failure becomes `data: {"error": {...}}` and NO `[DONE]`: the official clients raise an error on
 * that event, while `[DONE]` would tell them the answer was complete.
 */
export function createStreamRenderer(context: RenderContext, request: ChatRequest): StreamRenderer {
  const id = completionId(context.requestId);
  const includeUsage = request.includeStreamUsage === true;
  let started = false;
  let finished = false;
  let closed = false;

  const chunk = (choices: unknown[], usage?: unknown): string => {
    const body: Record<string, unknown> = {
      id,
      object: 'chat.completion.chunk',
      created: context.createdAt,
      model: context.model,
      choices,
    };
    if (includeUsage) body.usage = usage ?? null;
    return frame(body);
  };
  const choice = (delta: Delta, finishReason: OpenAiFinishReason | null = null): string =>
    chunk([{ index: 0, delta, logprobs: null, finish_reason: finishReason }]);
  // Clients need the role on the first chunk; it goes out before anything else, whatever comes first.
  const opening = (): string => {
    if (started) return '';
    started = true;
    return choice({ role: 'assistant', content: '', refusal: null });
  };

  const renderer: StreamRenderer = {
    render(part: StreamPart): string {
      if (closed) return '';
      switch (part.type) {
        case 'start':
          return opening();
        case 'text-delta':
          return opening() + choice({ content: part.text });
        case 'reasoning-delta':
          return opening() + choice({ reasoning_content: part.text });
        case 'tool-call-delta': {
          const call: NonNullable<Delta['tool_calls']>[number] = {
            index: part.index,
            function: { arguments: part.argumentsDelta },
          };
          if (part.id !== undefined) {
            call.id = part.id;
            call.type = 'function';
          }
          if (part.name !== undefined) call.function.name = part.name;
          return opening() + choice({ tool_calls: [call] });
        }
        case 'usage':
          // The final usage, with its cost, comes to end(); intermediate reports are not shown.
          return '';
        case 'finish':
          if (finished) return '';
          finished = true;
          return opening() + choice({}, mapFinishReason(part.finishReason));
        case 'error':
          return renderer.error(part.error);
        default: {
          const unreachable: never = part;
          throw new Error(`Unknown stream part ${JSON.stringify(unreachable)}`);
        }
      }
    },

    end(final: { usage: Usage; costUsd: number | undefined }): string {
      if (closed) return '';
      let output = opening();
      if (!finished) {
        finished = true;
        output += choice({}, 'stop');
      }
      closed = true;
      if (includeUsage) output += chunk([], renderUsage(final.usage, final.costUsd));
      return `${output}data: [DONE]\n\n`;
    },

    error(error: GatewayError): string {
      if (closed) return '';
      closed = true;
      return frame(renderError(error));
    },
  };
  return renderer;
}
