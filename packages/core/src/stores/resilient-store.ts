import { explain, SENTENCES } from '@tidemark/protocol';
import { TidemarkError } from '../errors.js';
import type { QueueStore } from '../queue-store.js';
import { memoryStore } from './memory-store.js';

/**
 * Wrap a durable store so that its failure never reaches the app: on an error the store is
 * reopened once (WebKit drops IndexedDB connections of backgrounded pages) and the call
 * retried; if that fails too, everything continues on a {@link memoryStore} and `onFallback`
 * is told once. Events of the failed call are kept in memory, not lost.
 *
 * @param open - makes a new connection to the durable store
 * @param onFallback - told once, with a `storage_unavailable` error whose `cause` is the
 *   platform error (`QuotaExceededError`, `InvalidStateError`, …)
 * @returns a store that always answers
 * @example resilientStore(() => indexedDbStore(), (err) => console.warn(err))
 */
export function resilientStore(open: () => QueueStore, onFallback: (error: TidemarkError) => void): QueueStore {
  let current: QueueStore;
  let reopened = false;
  let fellBack = false;
  const fallBack = (cause: unknown) => {
    current = memoryStore();
    if (!fellBack) {
      fellBack = true;
      onFallback(new TidemarkError('storage_unavailable', SENTENCES ? 'Durable storage failed; events are kept in memory for this page only' : explain('TM25'), cause));
    }
  };
  try {
    current = open();
  } catch (err) {
    current = memoryStore();
    fallBack(err);
  }

  async function call<T>(run: (store: QueueStore) => Promise<T>): Promise<T> {
    const store = current;
    try {
      return await run(store);
    } catch (err) {
      if (store !== current) return run(current); // another call already moved on
      if (!reopened && !fellBack) {
        reopened = true;
        try {
          current = open();
          return await run(current);
        } catch (again) {
          err = again;
        }
      }
      fallBack(err);
      return run(current);
    }
  }

  return {
    get kind() {
      return current.kind;
    },
    add: (events) => call((s) => s.add(events)),
    peek: (limit) => call((s) => s.peek(limit)),
    remove: (keys) => call((s) => s.remove(keys)),
    count: () => call((s) => s.count()),
    clear: () => call((s) => s.clear()),
    close: () => current.close?.() ?? Promise.resolve(),
  };
}
