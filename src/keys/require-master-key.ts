import type { IncomingMessage } from 'node:http';
import { GatewayError } from '../spec/index.js';
import { authenticate } from '../stages/auth/authenticate.js';

/**
 * Admin routes need the master key when one is configured (as the gateway's other admin routes do);
 * without one the gateway is open, admin routes included, like LiteLLM without a master key.
 */
export function requireMasterKey(request: IncomingMessage, masterKey: string | undefined): void {
  if (masterKey === undefined) return;
  const caller = authenticate({ headers: request.headers, masterKey, keys: undefined });
  if (!caller.master) throw new GatewayError({ code: 'permission', message: 'This route needs the master key.' });
}
