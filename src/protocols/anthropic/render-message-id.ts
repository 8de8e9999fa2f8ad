/** Anthropic message ids start with `msg_`; the gateway's request id is the rest, so logs and clients agree. */
export function renderMessageId(requestId: string): string {
  return requestId.startsWith('msg_') ? requestId : `msg_${requestId}`;
}
