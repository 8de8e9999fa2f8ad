import type { IncomingHttpHeaders } from 'node:http';
import type { GatewayDirectives } from '../../gateway/request-context.js';
import { GatewayError } from '../../spec/index.js';

const LABEL = /^[A-Za-z0-9._:/-]{1,64}$/;

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function invalid(name: string, expected: string): GatewayError {
  return new GatewayError({ code: 'invalid_request', param: name, message: `Header ${name} must be ${expected}.` });
}

function oneOf<T extends string>(headers: IncomingHttpHeaders, name: string, allowed: readonly T[], fallback: T): T {
  const value = header(headers, name);
  if (value === undefined) return fallback;
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw invalid(name, `one of ${allowed.join(', ')}`);
}

/** Reads the `x-tollgate-*` request headers; a malformed one is a 400, not a silent default. */
export function parseDirectives(headers: IncomingHttpHeaders): GatewayDirectives {
  const tenant = header(headers, 'x-tollgate-tenant') ?? 'default';
  const feature = header(headers, 'x-tollgate-feature') ?? 'default';
  if (!LABEL.test(tenant)) throw invalid('x-tollgate-tenant', 'up to 64 letters, digits or ._:/-');
  if (!LABEL.test(feature)) throw invalid('x-tollgate-feature', 'up to 64 letters, digits or ._:/-');
  const latencyText = header(headers, 'x-tollgate-latency-budget-ms');
  const latencyBudgetMs = latencyText === undefined ? undefined : Number(latencyText);
  if (latencyBudgetMs !== undefined && !(Number.isFinite(latencyBudgetMs) && latencyBudgetMs > 0)) {
    throw invalid('x-tollgate-latency-budget-ms', 'a positive number of milliseconds');
  }
  const qualityText = header(headers, 'x-tollgate-min-quality');
  const minQuality = qualityText === undefined ? undefined : Number(qualityText);
  if (minQuality !== undefined && !(Number.isFinite(minQuality) && minQuality >= 0 && minQuality <= 1)) {
    throw invalid('x-tollgate-min-quality', 'a number from 0 to 1');
  }
  return {
    tenant,
    feature,
    dataResidency: oneOf(headers, 'x-tollgate-data-residency', ['any', 'local'], 'any'),
    latencyBudgetMs,
    minQuality,
    cache: oneOf(headers, 'x-tollgate-cache', ['on', 'off', 'exact-only'], 'on'),
    priority: oneOf(headers, 'x-tollgate-priority', ['interactive', 'batch'], 'interactive'),
  };
}
