import { LIMITS, TidemarkError, utf8Length, type TidemarkEvent } from '@tidemark/core';
import type { EventQueue } from './event-queue.js';

/** Events of one request with their JSON text, serialized once and reused on retry and split. */
export interface PackedBatch {
  events: TidemarkEvent[];
  jsons: string[];
}

/** Room kept in a body for `{"batch":[`, `],"sentAt":"…"}`. */
const ENVELOPE_BYTES = 64;

/**
 * Take events from the front of the queue into one request: at most `LIMITS.maxBatchEvents`
 * (100) events and `LIMITS.maxBatchBytes` (500 KB) of body. An event that cannot be
 * serialized or is over `LIMITS.maxEventBytes` (32 KB) leaves the queue through `onBad`, so it
 * never blocks the events behind it.
 *
 * @param queue - the client's queue
 * @param limit - take at most this many events (a flush takes only what was queued when it began)
 * @param onBad - told about each event dropped here
 * @returns the batch and how many events left the queue (batch plus dropped)
 */
export function packBatch(queue: EventQueue, limit: number, onBad: (event: TidemarkEvent, error: TidemarkError) => void): { batch: PackedBatch; taken: number } {
  const batch: PackedBatch = { events: [], jsons: [] };
  let bytes = ENVELOPE_BYTES;
  let taken = 0;
  while (taken < limit && batch.events.length < LIMITS.maxBatchEvents) {
    const event = queue.peek();
    if (event === undefined) break;
    let json: string;
    try {
      json = JSON.stringify(event);
    } catch (cause) {
      queue.shift();
      taken++;
      onBad(event, new TidemarkError('invalid_event', `event ${event.messageId} cannot be serialized to JSON (a circular reference or a BigInt in its properties?)`, cause));
      continue;
    }
    const size = utf8Length(json);
    if (size > LIMITS.maxEventBytes) {
      queue.shift();
      taken++;
      onBad(event, new TidemarkError('event_too_large', `event ${event.messageId} is ${size} bytes; the limit is ${LIMITS.maxEventBytes} (trim its properties)`));
      continue;
    }
    if (batch.events.length > 0 && bytes + size + 1 > LIMITS.maxBatchBytes) break;
    queue.shift();
    taken++;
    batch.events.push(event);
    batch.jsons.push(json);
    bytes += size + 1;
  }
  return { batch, taken };
}
