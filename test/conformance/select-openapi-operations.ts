/** An OpenAPI 3.1 document, as far as this selection reads it. */
export interface OpenApiDocument {
  openapi: string;
  info: unknown;
  servers?: unknown;
  security?: unknown;
  paths: Record<string, Record<string, unknown>>;
  components: Record<string, Record<string, unknown>>;
}

const HTTP_METHODS = new Set(['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace']);

/** Every `#/components/...` reference reachable from `root`, following references transitively. */
function reachableComponents(document: OpenApiDocument, root: unknown): Set<string> {
  const found = new Set<string>();
  const pending: unknown[] = [root];
  while (pending.length > 0) {
    const node = pending.pop();
    if (Array.isArray(node)) {
      pending.push(...node);
      continue;
    }
    if (node === null || typeof node !== 'object') continue;
    for (const [key, value] of Object.entries(node)) {
      if (key === '$ref' && typeof value === 'string' && value.startsWith('#/components/')) {
        if (found.has(value)) continue;
        const [, , section = '', name = ''] = value.split('/');
        const target = document.components[section]?.[name];
        if (target === undefined) throw new Error(`The OpenAPI document has no ${value}`);
        found.add(value);
        pending.push(target);
      } else {
        pending.push(value);
      }
    }
  }
  return found;
}

/**
 * The operations `methods` of `paths` from an OpenAPI document, with exactly the components they
 * reference (transitively) and the security schemes: what prism validates for these operations is
 * unchanged, but it starts in seconds instead of the ~50 s it takes to load the whole 3 MB
 * OpenAI document.
 *
 * With `errorResponse`, operations that document no error responses get a `default` response with
 * that schema (OpenAI's `ErrorResponse`), so that prism checks the gateway's 4xx/5xx bodies against
 * the official error shape instead of only warning that the status code is undocumented.
 */
export function selectOpenApiOperations(options: {
  document: OpenApiDocument;
  operations: { path: string; method: string }[];
  errorResponse?: string;
}): OpenApiDocument {
  const { document } = options;
  const paths: OpenApiDocument['paths'] = {};
  for (const { path, method } of options.operations) {
    const item = document.paths[path];
    const operation = item?.[method];
    if (!item || operation === undefined)
      throw new Error(`The OpenAPI document has no ${method.toUpperCase()} ${path}`);
    const shared = Object.fromEntries(Object.entries(item).filter(([key]) => !HTTP_METHODS.has(key)));
    const selected = structuredClone(operation) as { responses?: Record<string, unknown> };
    if (options.errorResponse && selected.responses && selected.responses.default === undefined) {
      selected.responses.default = {
        description: 'Error',
        content: { 'application/json': { schema: { $ref: options.errorResponse } } },
      };
    }
    paths[path] = { ...shared, ...paths[path], [method]: selected };
  }
  const components: OpenApiDocument['components'] = {};
  for (const reference of reachableComponents(document, paths)) {
    const [, , section = '', name = ''] = reference.split('/');
    components[section] ??= {};
    (components[section] as Record<string, unknown>)[name] = document.components[section]?.[name];
  }
  if (document.components.securitySchemes) components.securitySchemes = document.components.securitySchemes;
  return {
    openapi: document.openapi,
    info: document.info,
    servers: document.servers,
    security: document.security,
    paths,
    components,
  };
}
