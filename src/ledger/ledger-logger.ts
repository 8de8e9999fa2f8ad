import { createLogger } from '../logging/create-logger.js';

/** The part of a pino logger the ledger uses; pass the gateway's logger (or a child of it). */
export interface LedgerLogger {
  /** Something went wrong that the ledger recovered from (a retry, a cut field). */
  warn(fields: object, message: string): void;
  /** Something went wrong that may need a person (data set aside, data lost). */
  error(fields: object, message: string): void;
}

/** The gateway's logger with `component: ledger`, for callers that pass none. */
export function createLedgerLogger(): LedgerLogger {
  return createLogger().child({ component: 'ledger' });
}
