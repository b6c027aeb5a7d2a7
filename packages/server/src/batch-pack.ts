import { LIMITS } from '@tidemark/core';
import type { EventQueue, QueuedEvent } from './event-queue.js';

/** Room kept in a body for `{"batch":[`, `],"sentAt":"…"}`. */
const ENVELOPE_BYTES = 64;

/**
 * Take events from the front of the queue into one request: at most `LIMITS.maxBatchEvents`
 * (100) events and `LIMITS.maxBatchBytes` (500 KB) of body. Events are sized (and the
 * unsendable ones refused) on the way in, so packing only adds up sizes.
 *
 * @param queue - the client's queue
 * @param limit - take at most this many events (a flush takes only what was queued when it began)
 * @returns the events of the request, in queue order
 */
export function packBatch(queue: EventQueue, limit: number): QueuedEvent[] {
  const items: QueuedEvent[] = [];
  let bytes = ENVELOPE_BYTES;
  while (items.length < limit && items.length < LIMITS.maxBatchEvents) {
    const item = queue.peek();
    if (item === undefined) break;
    if (items.length > 0 && bytes + item.bytes + 1 > LIMITS.maxBatchBytes) break;
    queue.shift();
    items.push(item);
    bytes += item.bytes + 1;
  }
  return items;
}
