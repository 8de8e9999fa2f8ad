import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

const CLIENT_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * The first stage: every request gets an id. A well-formed `x-request-id` from the client is kept so
 * that traces join up; anything else is replaced.
 */
export function assignRequestId(request: IncomingMessage): string {
  const offered = request.headers['x-request-id'];
  if (typeof offered === 'string' && CLIENT_ID.test(offered)) return offered;
  return randomUUID();
}
