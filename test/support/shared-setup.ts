/**
 * One resource per test run, shared by the globalSetups of several vitest projects.
 *
 * Vitest runs a project's globalSetup once per project that has tests selected, all in the main
 * process: the `postgres` and `process` projects both need the PostgreSQL cluster, `pglite`, `e2e`
 * and `process` the migrated PGlite template. The first setup creates the resource, later ones
 * reuse it (kept on globalThis, which every project's setup module shares), and the last teardown
 * destroys it.
 */
interface Entry {
  value: Promise<unknown>;
  refs: number;
  destroy: () => Promise<void>;
}

const registry: Map<string, Entry> = ((globalThis as Record<symbol, unknown>)[Symbol.for('hindsight.test.shared-setup')] ??= new Map()) as Map<string, Entry>;

export async function acquireShared<T>(key: string, create: () => Promise<T>, destroy: (value: T) => Promise<void>): Promise<{ value: T; release: () => Promise<void> }> {
  let found = registry.get(key);
  if (!found) {
    const value = create();
    found = { value, refs: 0, destroy: async () => destroy(await value) };
    registry.set(key, found);
    value.catch(() => registry.delete(key));
  }
  const entry = found;
  entry.refs++;
  const value = (await entry.value) as T;
  let released = false;
  return {
    value,
    release: async () => {
      if (released) return;
      released = true;
      if (--entry.refs > 0) return;
      registry.delete(key);
      await entry.destroy();
    },
  };
}
