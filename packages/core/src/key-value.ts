/**
 * Small synchronous key-value storage for identity, session and consent (never events).
 * Synchronous so that `getAnonymousId()` works at start. Browsers use `localStorage`;
 * Electron's main process uses a file; tests use memory.
 */
export interface KeyValueStorage {
  get(key: string): string | null;
  set(key: string, value: string): void;
  remove(key: string): void;
  /** Every key (used to find events rescued by pages that died); optional. */
  keys?(): string[];
  /** Called when another tab or process changed a key (the `storage` event). */
  subscribe?(listener: (key: string, value: string | null) => void): () => void;
}

/**
 * A {@link KeyValueStorage} in memory.
 *
 * @returns a fresh, empty storage
 * @example const storage = memoryKeyValue();
 */
export function memoryKeyValue(): KeyValueStorage {
  const map = new Map<string, string>();
  return {
    get: (key) => map.get(key) ?? null,
    set: (key, value) => void map.set(key, value),
    remove: (key) => void map.delete(key),
    keys: () => [...map.keys()],
  };
}
