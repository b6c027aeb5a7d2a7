import { eventJson, LIMITS, type TidemarkEvent } from '@tidemark/core';
import type { EventQueue, QueuedEvent } from './event-queue.js';

/** Events of one request with their JSON text, serialized once and reused on retry and split. */
export interface PackedBatch {
  events: TidemarkEvent[];
  jsons: string[];
}

/** Room kept in a body for `{"batch":[`, `],"sentAt":"…"}`. */
const ENVELOPE_BYTES = 64;

/**
 * Take events from the front of the queue into one request: at most `LIMITS.maxBatchEvents`
 * (100) events and `LIMITS.maxBatchBytes` (500 KB) of body. Events are sized (and the
 * unsendable ones refused) on the way in, so packing only adds up sizes.
 *
 * @param queue - the client's queue
 * @param limit - take at most this many events (a flush takes only what was queued when it began)
 * @returns the batch, and the queue's items it holds (for their outcome)
 */
export function packBatch(queue: EventQueue, limit: number): { batch: PackedBatch; items: QueuedEvent[] } {
  const batch: PackedBatch = { events: [], jsons: [] };
  const items: QueuedEvent[] = [];
  let bytes = ENVELOPE_BYTES;
  while (items.length < limit && items.length < LIMITS.maxBatchEvents) {
    const item = queue.peek();
    if (item === undefined) break;
    if (items.length > 0 && bytes + item.bytes + 1 > LIMITS.maxBatchBytes) break;
    queue.shift();
    items.push(item);
    batch.events.push(item.event);
    batch.jsons.push(eventJson(item.event));
    bytes += item.bytes + 1;
  }
  return { batch, items };
}
