// Shared set-up of the client's logic tests (not part of the package's exports): a client on
// a memory store, a manual clock and a scripted transport, with its errors and drops recorded.
import { createTidemark } from './client.js';
import type { TidemarkError } from './errors.js';
import { memoryKeyValue, type KeyValueStorage } from './key-value.js';
import { localLock } from './drain-lock.js';
import type { TidemarkOptions } from './options.js';
import type { QueueStore } from './queue-store.js';
import { memoryStore } from './stores/memory-store.js';
import type { DropInfo } from './event-queue.js';
import { manualClock, type ManualClock, scriptedTransport } from '@tidemark/test-kit';

/**
 * A client for a logic test.
 *
 * @param extra - options over the defaults
 * @returns the client and what it talks to
 */
export function setup(extra: Partial<TidemarkOptions> = {}) {
  const clock = (extra.clock as ManualClock | undefined) ?? manualClock();
  const transport = scriptedTransport();
  const store: QueueStore = extra.store ?? memoryStore();
  const storage: KeyValueStorage = extra.storage ?? memoryKeyValue();
  const errors: TidemarkError[] = [];
  const drops: DropInfo[] = [];
  const client = createTidemark({ writeKey: 'wk_test', transport, store, storage, clock, lock: localLock(), onError: (e) => errors.push(e), ...extra });
  client.on('drop', (d) => drops.push(d));
  return { client, clock, transport, store, storage, errors, drops };
}

/** Event names (or types) in order. */
export const names = (events: { event?: string; type: string }[]) => events.map((e) => e.event ?? e.type);
