import type { EventQueue } from './event-queue.js';
import type { KeyValueStorage } from './key-value.js';
import type { TidemarkEvent } from './types.js';
import type { UncertainLedger } from './uncertain.js';

/** Prefix of rescue keys; one key per page, so pages closing together never overwrite each other. */
export const RESCUE_PREFIX = 'tm_rescue:';
/** Most JSON text one page rescues; localStorage quotas are about 5 MB per origin. */
const RESCUE_MAX_CHARS = 1_000_000;

/**
 * Save events synchronously while the page is being hidden. IndexedDB writes are
 * asynchronous and a navigating page can die before one commits; `localStorage` writes
 * finish before the call returns. Only called from the page-hide path, never per event.
 *
 * @param storage - synchronous storage
 * @param key - this page's rescue key
 * @param events - events not yet confirmed durable
 * @returns whether anything was written
 */
export function rescueEvents(storage: KeyValueStorage, key: string, events: TidemarkEvent[]): boolean {
  if (!events.length) return false;
  let json = JSON.stringify(events);
  // Keep the newest that fit: older ones had more time to reach IndexedDB.
  for (let n = events.length; json.length > RESCUE_MAX_CHARS && n > 1; ) json = JSON.stringify(events.slice(-(n = Math.floor(n / 2))));
  storage.set(key, json);
  return true;
}

/**
 * Take every page's rescued events out of storage (at start, to queue them again).
 *
 * @param storage - synchronous storage
 * @returns the events; duplicates of events that did reach the queue are deduped by the collector
 */
export function takeRescued(storage: KeyValueStorage): TidemarkEvent[] {
  const events: TidemarkEvent[] = [];
  for (const key of storage.keys?.() ?? []) {
    if (!key.startsWith(RESCUE_PREFIX)) continue;
    const text = storage.get(key);
    storage.remove(key);
    try {
      const list = JSON.parse(text ?? '[]') as unknown;
      if (Array.isArray(list)) events.push(...list.filter((e): e is TidemarkEvent => !!e && typeof e.messageId === 'string' && e.messageId !== ''));
    } catch {
      // A damaged rescue is skipped; the events it held may still be in the queue.
    }
  }
  return events;
}

/**
 * Queue again the events rescued by pages that died (at start). Usually the dying page's
 * write did commit after all, so only what the store lacks is queued; and missing may also
 * mean sent and removed by another drainer meanwhile, so those are marked uncertain first,
 * to be asked about before they go. (Rare path: only after a page died mid-write.)
 *
 * @param storage - where the rescues are
 * @param queue - the client's queue
 * @param uncertain - the uncertain record
 * @param now - the current time
 * @param limit - most events the queue holds (how far to look for copies)
 */
export async function requeueRescued(storage: KeyValueStorage, queue: EventQueue, uncertain: UncertainLedger, now: number, limit: number): Promise<void> {
  const rescued = takeRescued(storage);
  if (!rescued.length) return;
  const queued = new Set((await queue.store.peek(limit)).map((e) => e.event.messageId));
  const missing = rescued.filter((e) => !queued.has(e.messageId));
  if (!missing.length) return;
  uncertain.mark(missing.map((e) => e.messageId), now);
  await queue.addPrepared(missing);
}
