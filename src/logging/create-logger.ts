import { pino, type Logger } from 'pino';

/**
 * Every field that may hold a secret, at any depth we log. pino's redaction paths do not take
 * recursive wildcards, so the likely nestings are listed.
 */
const REDACTED_PATHS = [
  'authorization',
  'apiKey',
  'api_key',
  'key',
  'password',
  'headers.authorization',
  'headers["x-api-key"]',
  'headers["api-key"]',
  '*.authorization',
  '*.apiKey',
  '*.api_key',
  '*.key',
  '*.headers.authorization',
  '*.headers["x-api-key"]',
  'req.headers.authorization',
  'req.headers["x-api-key"]',
];

/** Patterns of key-shaped strings scrubbed from free text (error messages from providers). */
const KEY_SHAPES = /\b(sk-(?:ant-|proj-)?[A-Za-z0-9_-]{8,}|tg-[A-Za-z0-9_-]{8,}|AKIA[0-9A-Z]{16}|xai-[A-Za-z0-9]{8,}|gsk_[A-Za-z0-9]{8,})/g;

/** Replaces anything shaped like an API key in a string. */
export function scrubSecrets(text: string): string {
  return text.replace(KEY_SHAPES, '[REDACTED]');
}

/** The gateway's JSON logger: pino with secrets redacted. Level from TOLLGATE_LOG_LEVEL (default info). */
export function createLogger(options: { level?: string; destination?: NodeJS.WritableStream } = {}): Logger {
  const level = options.level ?? process.env.TOLLGATE_LOG_LEVEL ?? 'info';
  return pino(
    {
      level,
      base: { service: 'tollgate' },
      redact: { paths: REDACTED_PATHS, censor: '[REDACTED]' },
      formatters: { level: (label) => ({ level: label }) },
      hooks: {
        logMethod(inputArgs, method) {
          const scrubbed = inputArgs.map((argument) => (typeof argument === 'string' ? scrubSecrets(argument) : argument));
          method.apply(this, scrubbed as Parameters<typeof method>);
        },
      },
    },
    options.destination ?? pino.destination({ sync: false }),
  );
}

export type { Logger };
