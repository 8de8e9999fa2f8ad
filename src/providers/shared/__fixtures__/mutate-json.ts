/**
 * Variants of a JSON value for differential tests of the hand-written fast paths against their zod
 * schemas: every object key and array element in turn replaced by each of a set of wrong-typed or
 * edge values, deleted, or joined by an unknown key.
 */

const REPLACEMENTS: readonly unknown[] = [
  null,
  -1,
  0,
  1.5,
  2 ** 53,
  '',
  'text',
  true,
  [],
  {},
  [{}],
  { type: 'text', text: 'x' },
];

const DELETE = Symbol('delete');

type Path = (string | number)[];

function paths(value: unknown, prefix: Path = [], found: Path[] = []): Path[] {
  if (Array.isArray(value)) {
    value.forEach((item, index) => {
      found.push([...prefix, index]);
      paths(item, [...prefix, index], found);
    });
  } else if (typeof value === 'object' && value !== null) {
    for (const [key, item] of Object.entries(value)) {
      found.push([...prefix, key]);
      paths(item, [...prefix, key], found);
    }
  }
  return found;
}

function withChange(value: unknown, path: Path, replacement: unknown): unknown {
  if (path.length === 0) return replacement;
  const [head, ...rest] = path as [string | number, ...Path];
  if (Array.isArray(value)) {
    const copy = [...value];
    if (rest.length === 0 && replacement === DELETE) copy.splice(head as number, 1);
    else copy[head as number] = withChange(copy[head as number], rest, replacement);
    return copy;
  }
  const copy = { ...(value as Record<string, unknown>) };
  if (rest.length === 0 && replacement === DELETE) delete copy[head];
  else copy[head] = withChange(copy[head], rest, replacement);
  return copy;
}

/** The value itself, then one variant per (path, change): each a fresh deep copy. */
export function* mutateJson(value: unknown): Generator<unknown> {
  const original = JSON.parse(JSON.stringify(value)) as unknown;
  yield original;
  for (const path of paths(original)) {
    yield withChange(original, path, DELETE);
    for (const replacement of REPLACEMENTS) yield withChange(original, path, structuredClone(replacement));
    const target = path.reduce<unknown>((node, key) => (node as Record<string | number, unknown>)[key], original);
    if (typeof target === 'object' && target !== null && !Array.isArray(target)) {
      yield withChange(original, path, { ...target, unknown_extra_field: 1 });
    }
  }
  yield withChange(original, ['unknown_extra_field'], 1);
  // As JSON.parse makes it: an own `__proto__` key, not a prototype.
  yield JSON.parse(`{"__proto__": {"polluted": true}, ${JSON.stringify(original).slice(1)}`);
}
