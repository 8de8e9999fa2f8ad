import { createHash } from 'node:crypto';
import { LRUCache } from 'lru-cache';

/**
 * What must be equal for a cached answer to be served: who asked, on which model tier, under which
 * system prompt and with which sampling settings. Two requests that differ in any of these never
 * see each other's entries.
 */
export interface SemanticScope {
  /** The tenant the request belongs to (its virtual key's tenant). */
  tenant: string;
  /** The model tier or concrete model the answer came from (`fast`, `premium`, `gpt-4o-mini`, …). */
  modelTier: string;
  /** The full system prompt, if any; hashed, never stored. */
  systemPrompt?: string;
  /** Sampling and output settings that change the answer (temperature, top_p, max_tokens, response_format, …). */
  sampling?: Readonly<Record<string, unknown>>;
}

function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, item]) => item !== undefined)
    .sort(([left], [right]) => (left < right ? -1 : left > right ? 1 : 0));
  return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(',')}}`;
}

const MEMO_MAX_SYSTEM_PROMPT = 8_192;
const MEMO_MAX_SCOPES = 256;
const scopeKeys = new LRUCache<string, string>({ max: MEMO_MAX_SCOPES });

/**
 * The scope key: a SHA-256 over the canonical JSON of the scope (object keys sorted, undefined
 * fields dropped), so that key order in the sampling settings does not matter and no choice of
 * tenant or tier name can collide with another by embedding a delimiter. An absent system prompt
 * and an empty one are the same scope.
 */
export function createScopeKey(scope: SemanticScope): string {
  // Every lookup hashes its scope, and a deployment has few scopes: two SHA-256 passes cost more than
  // finding the key again by the scope's fields (unambiguous as a JSON array). Scopes with a system
  // prompt of many kilobytes are hashed each time, so the memo stays a few megabytes at most.
  if ((scope.systemPrompt?.length ?? 0) > MEMO_MAX_SYSTEM_PROMPT) return hashScope(scope);
  const memoKey = JSON.stringify([
    scope.tenant,
    scope.modelTier,
    scope.systemPrompt ?? '',
    canonicalJson(scope.sampling ?? {}),
  ]);
  const known = scopeKeys.get(memoKey);
  if (known !== undefined) return known;
  const key = hashScope(scope);
  scopeKeys.set(memoKey, key);
  return key;
}

function hashScope(scope: SemanticScope): string {
  const systemPromptHash = createHash('sha256')
    .update(scope.systemPrompt ?? '')
    .digest('hex');
  const canonical = canonicalJson({
    tenant: scope.tenant,
    modelTier: scope.modelTier,
    systemPromptHash,
    sampling: scope.sampling ?? {},
  });
  return `scope:v1:${createHash('sha256').update(canonical).digest('hex')}`;
}
