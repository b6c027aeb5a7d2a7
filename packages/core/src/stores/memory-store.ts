import type { QueueEntry, QueueStore } from '../queue-store.js';
import type { TidemarkEvent } from '../types.js';
import { queueKeyFactory } from './queue-key.js';

/**
 * A {@link QueueStore} in memory: the fallback when durable storage is unavailable, the
 * holding area while consent is pending, and the store of logic tests.
 *
 * @returns an empty store
 * @example createTidemark({ writeKey, transport, store: memoryStore() })
 */
export function memoryStore(): QueueStore {
  const nextKey = queueKeyFactory();
  // Insertion order is key order, since keys are monotonic within one writer.
  const entries = new Map<string, TidemarkEvent>();
  return {
    kind: 'memory',
    async add(events) {
      for (const event of events) entries.set(nextKey(), event);
    },
    async peek(limit) {
      const out: QueueEntry[] = [];
      for (const [key, event] of entries) {
        if (out.length >= limit) break;
        out.push({ key, event });
      }
      return out;
    },
    async remove(keys) {
      for (const key of keys) entries.delete(key);
    },
    async count() {
      return entries.size;
    },
    async clear() {
      entries.clear();
    },
  };
}
