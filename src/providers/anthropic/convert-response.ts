import { type ChatResponse, GatewayError } from '../../spec/index.js';
import { anthropicMessageSchema } from './anthropic-message-schema.js';
import { mapStopReason } from './map-stop-reason.js';
import { mapUsage } from './map-usage.js';

/**
 * Converts a (parsed JSON) Anthropic message into a canonical response. A body that does not match
 * Anthropic's message shape is `upstream_malformed`.
 */
export function convertResponse(options: {
  body: unknown;
  /** The forced tool that emulates JSON mode, if any: its input becomes the answer text. */
  jsonToolName: string | undefined;
  endpoint: string;
  warn(message: string): void;
}): ChatResponse {
  const parsed = anthropicMessageSchema.safeParse(options.body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new GatewayError({
      code: 'upstream_malformed',
      message: `${options.endpoint} sent a response that is not an Anthropic message (${issue ? `${issue.path.join('.')}: ${issue.message}` : 'invalid'}).`,
      endpoint: options.endpoint,
      cause: parsed.error,
    });
  }
  const message = parsed.data;
  const jsonMode = options.jsonToolName !== undefined;
  const jsonAnswer = jsonMode
    ? message.content.find((block) => block.type === 'tool_use' && block.name === options.jsonToolName)
    : undefined;
  const content: ChatResponse['content'] = [];
  const skipped = new Set<string>();
  for (const block of message.content) {
    if (block.type === 'text') {
      // In emulated JSON mode, stray text around the forced tool call would corrupt the JSON answer.
      if (jsonAnswer) skipped.add('text beside the JSON answer');
      else content.push({ type: 'text', text: block.text });
    } else if (block.type === 'thinking') {
      content.push(
        typeof block.signature === 'string' && block.signature !== ''
          ? { type: 'reasoning', text: block.thinking, signature: block.signature }
          : { type: 'reasoning', text: block.thinking },
      );
    } else if (block.type === 'tool_use') {
      if (block === jsonAnswer) content.push({ type: 'text', text: JSON.stringify(block.input) });
      else content.push({ type: 'tool-call', id: block.id, name: block.name, arguments: JSON.stringify(block.input) });
    } else {
      skipped.add(`${block.type === 'unsupported' ? block.blockType : block.type} blocks`);
    }
  }
  for (const what of skipped) options.warn(`Anthropic ${what} dropped: the gateway's response format cannot carry it.`);
  return {
    id: message.id,
    model: message.model,
    content,
    finishReason: mapStopReason({ stopReason: message.stop_reason, jsonMode: jsonAnswer !== undefined }),
    usage: mapUsage(message.usage),
  };
}
