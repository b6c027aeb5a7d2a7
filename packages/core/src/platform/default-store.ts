import { explain, SENTENCES } from '@tidemark/protocol';
import { TidemarkError } from '../errors.js';
import type { QueueStore } from '../queue-store.js';
import { indexedDbStore } from '../stores/indexeddb-store.js';
import { memoryStore } from '../stores/memory-store.js';
import { hasWindow } from './browser.js';
import { browserGlobals } from './browser-globals.js';

/**
 * The durable store for a write key: IndexedDB where the realm has it (one database per write
 * key, so two apps on one origin never drain each other's events), else memory. A browser
 * without IndexedDB (some private modes) is reported once; Node without it is normal.
 *
 * @param writeKey - names the database
 * @param report - told when a browser lacks IndexedDB
 * @returns the store
 */
export function defaultStore(writeKey: string, report: (error: TidemarkError) => void): QueueStore {
  if (browserGlobals.indexedDB) return indexedDbStore({ dbName: `tidemark-${writeKey}` });
  if (hasWindow()) report(new TidemarkError('storage_unavailable', SENTENCES ? 'IndexedDB is unavailable; events are kept in memory for this page only' : explain('TM26')));
  return memoryStore();
}
