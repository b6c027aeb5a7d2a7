import { BatchSize } from '@tidemark/protocol';
import type { SendQueue, QueuedEvent } from './send-queue.js';

/**
 * Take events from the front of the queue into one request: at most `LIMITS.maxBatchEvents`
 * (500) events and `LIMITS.maxBatchBytes` (500 KB) of body. Events are sized (and the
 * unsendable ones refused) on the way in, so packing only adds up sizes.
 *
 * @param queue - the client's queue
 * @param limit - take at most this many events (a flush takes only what was queued when it began)
 * @returns the events of the request, in queue order
 */
export function packBatch(queue: SendQueue, limit: number): QueuedEvent[] {
  const items: QueuedEvent[] = [];
  const size = new BatchSize();
  while (items.length < limit) {
    const item = queue.peek();
    if (item === undefined || !size.add(item.bytes)) break;
    queue.shift();
    items.push(item);
  }
  return items;
}
