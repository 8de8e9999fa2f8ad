import type { z } from 'zod';
import { GatewayError } from '../../spec/index.js';

/** Writes a JSON path the way OpenAI names parameters: `messages[2].content[0].type`. */
export function formatParam(path: readonly PropertyKey[]): string {
  let result = '';
  for (const segment of path) {
    if (typeof segment === 'number') result += `[${segment}]`;
    else result += result === '' ? String(segment) : `.${String(segment)}`;
  }
  return result;
}

/**
 * Picks the issue that explains the failure best. For a union (string or array of parts), when the
 * input's type matched exactly one branch, that branch's own issue is the real problem
 * (`messages[0].content[1].image_url.url`), not "matched no branch".
 */
function explain(
  issue: z.core.$ZodIssue,
  base: readonly PropertyKey[],
): { path: PropertyKey[]; message: string; complete?: boolean } {
  const path = [...base, ...issue.path];
  if (issue.code === 'invalid_union' && issue.errors.length > 0) {
    const matchingBranches = issue.errors.filter(
      (branch) => !(branch.length === 1 && branch[0]?.code === 'invalid_type' && branch[0].path.length === 0),
    );
    const inner = matchingBranches.length === 1 ? matchingBranches[0]?.[0] : undefined;
    if (inner) return explain(inner, path);
  }
  if (issue.code === 'unrecognized_keys') {
    // OpenAI's own wording, already a whole sentence.
    return {
      path: [...path, issue.keys[0] ?? ''],
      message: `Unrecognized request argument supplied: ${issue.keys.join(', ')}`,
      complete: true,
    };
  }
  return { path, message: issue.message };
}

/** Turns a zod failure into an `invalid_request` GatewayError naming the JSON path at fault. */
export function formatValidationError(error: z.ZodError): GatewayError {
  const first = error.issues[0];
  if (!first) return new GatewayError({ code: 'invalid_request', message: 'The request body is invalid.' });
  const { path, message, complete } = explain(first, []);
  const param = formatParam(path);
  return new GatewayError({
    code: 'invalid_request',
    message: complete || param === '' ? message : `Invalid '${param}': ${message}.`,
    param: param === '' ? undefined : param,
    cause: error,
  });
}
