import type { TidemarkEvent } from './types.js';

/** One event in a {@link QueueStore}, with the store's key for it. */
export interface QueueEntry {
  /** Store-assigned key; entries are read back in key order, oldest first. */
  key: string;
  event: TidemarkEvent;
}

/**
 * Durable event queue. The core writes events here before any send and removes them only
 * after the transport reports them delivered or permanently rejected.
 *
 * Implementations: `indexedDbStore` (browsers, renderers), `memoryStore` (fallback, tests),
 * and `FileStore` in `@tidemark/electron`. Several clients (tabs) may share one store: keys
 * must be unique across them and ordered by time of adding.
 */
export interface QueueStore {
  /** Human-readable kind, for logs and `debug` (`'indexeddb'`, `'memory'`, `'file'`). */
  readonly kind: string;
  /** Append events in one write; resolves once they are durable. */
  add(events: TidemarkEvent[]): Promise<void>;
  /** Read up to `limit` entries, oldest first, without removing them. */
  peek(limit: number): Promise<QueueEntry[]>;
  /** Remove entries by key; unknown keys are ignored. */
  remove(keys: string[]): Promise<void>;
  /** Number of entries. */
  count(): Promise<number>;
  /** Remove everything. */
  clear(): Promise<void>;
  /** Release handles (database connections, file descriptors). */
  close?(): Promise<void>;
}
