import { createHash, randomBytes } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import type { KeyBudget } from '../budgets/parse-key-budget.js';
import { formatKeyBudget, parseKeyBudget } from '../budgets/parse-key-budget.js';
import { GatewayError } from '../spec/index.js';
import type { VirtualKeyResolver } from '../stages/auth/authenticate.js';
import type { KeyStore, VirtualKeyRecord } from './key-store.js';

/** Tenants follow the `x-tollgate-tenant` header's rule, so either way of naming one is the same. */
const TENANT = /^[A-Za-z0-9._:/-]{1,64}$/;
const MAX_NAME_LENGTH = 200;
const MAX_CACHED_BUDGETS = 10_000;

/** What {@link VirtualKeys.create} takes. */
export interface CreateKeyInput {
  tenant: string;
  name?: string;
  /** `50/day`, `$200/month`, `5/6h`. */
  budget?: string;
}

/** A new key: the secret, shown this once, and its record. */
export interface CreatedKey {
  key: string;
  record: VirtualKeyRecord;
}

/** Virtual keys: creation, listing, revocation, and what authentication and budgets read. */
export interface VirtualKeys {
  create(input: CreateKeyInput): Promise<CreatedKey>;
  list(): Promise<VirtualKeyRecord[]>;
  /** Revokes; undefined when no key has that id. */
  revoke(id: string): Promise<VirtualKeyRecord | undefined>;
  /** For the auth stage (`core.keys`). */
  resolver: VirtualKeyResolver;
  /** For the budget layer: the key's own budget. */
  keyBudget(keyId: string): KeyBudget | undefined;
  store: KeyStore;
}

/** SHA-256 of a presented key, as stored. Keys carry 192 random bits, so a salt would add nothing. */
export function hashVirtualKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

function invalid(param: string, message: string): GatewayError {
  return new GatewayError({ code: 'invalid_request', param, message });
}

/** Checks and normalises input; a bad field is a 400 naming it. */
function validate(input: CreateKeyInput): { tenant: string; name: string | undefined; budget: string | undefined } {
  if (typeof input.tenant !== 'string' || !TENANT.test(input.tenant)) {
    throw invalid('tenant', 'tenant must be 1-64 letters, digits or ._:/-');
  }
  if (input.name !== undefined && (typeof input.name !== 'string' || input.name.length > MAX_NAME_LENGTH)) {
    throw invalid('name', `name must be a string of at most ${MAX_NAME_LENGTH} characters`);
  }
  let budget: string | undefined;
  if (input.budget !== undefined) {
    const parsed = typeof input.budget === 'string' ? parseKeyBudget(input.budget) : undefined;
    if (!parsed) throw invalid('budget', 'budget must look like 50/day, 200/month or 5/6h (USD per window)');
    budget = formatKeyBudget(parsed);
  }
  return { tenant: input.tenant, name: input.name || undefined, budget };
}

/**
 * Virtual keys over a store: `tg-` plus 32 base64url characters of randomness, stored as a SHA-256
 * hash, shown once. An unknown or revoked key resolves to undefined, which the auth stage turns into
 * a 401 in the caller's protocol.
 */
export function createVirtualKeys(options: { store: KeyStore; now?: () => number }): VirtualKeys {
  const { store } = options;
  const now = options.now ?? Date.now;
  // A key's budget never changes after creation, so it is looked up once per key in use.
  const budgets = new LRUCache<string, { budget: KeyBudget | undefined }>({ max: MAX_CACHED_BUDGETS });
  const keyBudget = (keyId: string): KeyBudget | undefined => {
    const known = budgets.get(keyId);
    if (known) return known.budget;
    const text = store.findById(keyId)?.budget;
    const budget = text === undefined ? undefined : parseKeyBudget(text);
    budgets.set(keyId, { budget });
    return budget;
  };
  return {
    store,
    async create(input) {
      const fields = validate(input);
      const secret = randomBytes(24).toString('base64url');
      const key = `tg-${secret}`;
      const record: VirtualKeyRecord = {
        id: `vk_${randomBytes(8).toString('hex')}`,
        tenant: fields.tenant,
        name: fields.name,
        budget: fields.budget,
        secretHint: `tg-${secret.slice(0, 4)}…${secret.slice(-4)}`,
        createdAt: new Date(now()).toISOString(),
        revokedAt: undefined,
      };
      await store.insert({ ...record, secretHash: hashVirtualKey(key) });
      return { key, record };
    },
    list: () => store.list(),
    revoke: (id) => store.revoke(id, new Date(now()).toISOString()),
    keyBudget,
    resolver: {
      resolve(presentedKey) {
        const record = store.findByHash(hashVirtualKey(presentedKey));
        if (!record || record.revokedAt !== undefined) return undefined;
        return { keyId: record.id, tenant: record.tenant, master: false };
      },
    },
  };
}
