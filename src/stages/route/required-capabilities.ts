import type { ChatRequest } from '../../spec/index.js';

/** Capabilities a deployment must have to serve the request. */
export function requiredCapabilities(request: ChatRequest): string[] {
  const needed: string[] = [];
  if (request.tools && request.tools.length > 0 && request.toolChoice?.type !== 'none') needed.push('tools');
  if (request.responseFormat && request.responseFormat.type !== 'text') needed.push('json_mode');
  const hasImage = request.messages.some(
    (message) => message.role === 'user' && message.content.some((part) => part.type === 'image'),
  );
  if (hasImage) needed.push('vision');
  return needed;
}
