import type { ClientProtocol } from '../client-protocol.js';
import { createStreamRenderer } from './create-stream-renderer.js';
import { parseChatRequest } from './parse-chat-request.js';
import { renderChatResponse } from './render-chat-response.js';
import { renderError } from './render-error.js';

/** The OpenAI Chat Completions API as a client protocol (`POST /v1/chat/completions`). */
export const openAiProtocol: ClientProtocol = {
  name: 'openai',
  parseChatRequest,
  renderChatResponse,
  createStreamRenderer,
  renderError,
};
