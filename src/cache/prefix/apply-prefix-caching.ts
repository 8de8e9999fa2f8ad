import type { CacheConfig } from '../../config/config-schema.js';
import type { ChatRequest } from '../../spec/index.js';
import { placeCacheBreakpoints } from './place-cache-breakpoints.js';

/**
 * What the attempt stage calls before handing a request to an adapter. For an Anthropic adapter it
 * places `cache_control` breakpoints (see {@link placeCacheBreakpoints}); for any other it only
 * removes the configured delimiters (OpenAI-style providers cache prefixes by themselves, and the
 * model must not see the marker). With prefix caching disabled the request passes untouched.
 */
export function applyPrefixCaching(options: {
  request: ChatRequest;
  /** The chosen deployment's wire protocol (`deployment.adapter.protocol`). */
  protocol: 'openai' | 'anthropic';
  /** `config.cache.prefix`. */
  settings: CacheConfig['prefix'];
  /** Receives warnings for `x-tollgate-warning` (delimiters past Anthropic's limit). */
  warn?: (message: string) => void;
}): ChatRequest {
  const { request, settings } = options;
  if (!settings.enabled) return request;
  return placeCacheBreakpoints({
    request,
    delimiter: settings.delimiter,
    ttl: settings.ttl,
    conversation: settings.conversation,
    maxBreakpoints: options.protocol === 'anthropic' ? undefined : 0,
    ...(options.warn === undefined ? {} : { warn: options.warn }),
  });
}
