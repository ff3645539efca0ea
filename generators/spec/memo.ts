/**
 * Values derived from one bundled document, computed once per run and shared by every generator and
 * by the loader's checks (operation table, identifiers, compiled Ajv instances). Keyed by the object
 * they derive from, so a new document (or a test's own copy) never sees another's values.
 */
const cache = new WeakMap<object, Map<string, unknown>>();

export function memo<T>(owner: object, key: string, compute: () => T): T {
  let values = cache.get(owner);
  if (!values) cache.set(owner, (values = new Map()));
  if (!values.has(key)) values.set(key, compute());
  return values.get(key) as T;
}

/** Lets go of a value nobody needs any more (a large one: the next `memo` call computes it again). */
export function forget(owner: object, key: string): void {
  cache.get(owner)?.delete(key);
}
