import type { ClientProtocol } from '../client-protocol.js';
import { createStreamRenderer } from './create-stream-renderer.js';
import { parseChatRequest } from './parse-chat-request.js';
import { renderChatResponse } from './render-chat-response.js';
import { renderError } from './render-error.js';

/** The Anthropic Messages API as a client-facing protocol (`POST /v1/messages`). */
export const anthropicProtocol: ClientProtocol = {
  name: 'anthropic',
  parseChatRequest,
  renderChatResponse,
  createStreamRenderer,
  renderError,
};
