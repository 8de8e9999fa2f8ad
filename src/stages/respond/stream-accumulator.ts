import type {
  ChatResponse,
  FinishReason,
  ReasoningPart,
  StreamPart,
  TextPart,
  ToolCallPart,
  Usage,
} from '../../spec/index.js';

/**
 * Folds stream parts into a complete answer, so that a stream can be settled (usage, cost), cached,
 * and counted with a tokenizer when the provider never reported usage.
 */
export class StreamAccumulator {
  private id = '';
  private model = '';
  private text = '';
  private reasoning = '';
  private signature: string | undefined;
  private readonly toolCalls: ToolCallPart[] = [];
  /** Last usage the provider reported, if any. */
  usage: Usage | undefined;
  /** Why generation stopped, once known. */
  finishReason: FinishReason | undefined;

  /** Adds one part. */
  add(part: StreamPart): void {
    switch (part.type) {
      case 'start':
        this.id = part.id;
        this.model = part.model;
        return;
      case 'text-delta':
        this.text += part.text;
        return;
      case 'reasoning-delta':
        this.reasoning += part.text;
        if (part.signature) this.signature = part.signature;
        return;
      case 'tool-call-delta': {
        const existing = this.toolCalls[part.index];
        if (existing) existing.arguments += part.argumentsDelta;
        else {
          this.toolCalls[part.index] = {
            type: 'tool-call',
            id: part.id ?? `call_${part.index}`,
            name: part.name ?? '',
            arguments: part.argumentsDelta,
          };
        }
        return;
      }
      case 'usage':
        this.usage = part.usage;
        return;
      case 'finish':
        this.finishReason = part.finishReason;
        return;
      case 'error':
        return;
      default: {
        const unknownPart: never = part;
        throw new Error(`Unknown stream part ${JSON.stringify(unknownPart)}`);
      }
    }
  }

  /** All output text so far (answer, reasoning and tool arguments), for token counting. */
  outputText(): string {
    return this.reasoning + this.text + this.toolCalls.map((call) => call.name + call.arguments).join('');
  }

  /** The answer as a complete response. */
  toResponse(usage: Usage): ChatResponse {
    const content: (TextPart | ReasoningPart | ToolCallPart)[] = [];
    if (this.reasoning) content.push({ type: 'reasoning', text: this.reasoning, signature: this.signature });
    if (this.text) content.push({ type: 'text', text: this.text });
    for (const call of this.toolCalls) if (call) content.push(call);
    return { id: this.id, model: this.model, content, finishReason: this.finishReason ?? 'other', usage };
  }
}

/** Replays a complete answer as stream parts (a cached answer served to a streaming client). */
export function responseToStreamParts(response: ChatResponse): StreamPart[] {
  const parts: StreamPart[] = [{ type: 'start', id: response.id, model: response.model }];
  let toolIndex = 0;
  for (const part of response.content) {
    if (part.type === 'text') parts.push({ type: 'text-delta', text: part.text });
    else if (part.type === 'reasoning')
      parts.push({ type: 'reasoning-delta', text: part.text, signature: part.signature });
    else {
      parts.push({
        type: 'tool-call-delta',
        index: toolIndex,
        id: part.id,
        name: part.name,
        argumentsDelta: part.arguments,
      });
      toolIndex++;
    }
  }
  parts.push({ type: 'usage', usage: response.usage });
  parts.push({ type: 'finish', finishReason: response.finishReason });
  return parts;
}
