import { BATCH_ENVELOPE_BYTES, batchJson, CONTEXT_KEY_BYTES, contextBytes, contextJson, eventBytes, isRecord } from '@tidemark/protocol';
import type { TidemarkEvent } from '@tidemark/core';

/**
 * Split events into groups whose batch bodies fit `maxBytes` and `maxEvents`, in order. A
 * group whose events all share one context is counted as `batchBody` sends it (the context
 * once), so a page-hide beacon's 64 KB holds about three times the events it would with a
 * context in each.
 *
 * @param events - events to send
 * @param maxBytes - body size limit
 * @param maxEvents - events per body
 * @returns the groups; an event larger than the limit on its own forms a group alone
 * @example chunkEvents(events, 500 * 1024, 100)
 */
export function chunkEvents(events: TidemarkEvent[], maxBytes: number, maxEvents: number): TidemarkEvent[][] {
  const chunks: TidemarkEvent[][] = [];
  let current: TidemarkEvent[] = [];
  let size = new GroupSize();
  for (const event of events) {
    if (!size.add(event, maxBytes, maxEvents)) {
      chunks.push(current);
      current = [];
      size = new GroupSize();
      size.add(event, maxBytes, maxEvents);
    }
    current.push(event);
  }
  if (current.length) chunks.push(current);
  return chunks;
}

/**
 * The planned size of one group's body, as `batchBody` will write it: with the context once
 * while every event shares it, else with each event's own.
 */
class GroupSize {
  count = 0;
  /** The body with each event's own context. */
  full = BATCH_ENVELOPE_BYTES;
  /** The events without their context (an upper bound), while they share one. */
  bare = BATCH_ENVELOPE_BYTES;
  /** The JSON of the context every event so far shares, or `undefined` once two differ. */
  shared: string | undefined;
  /** Its UTF-8 size. */
  sharedBytes = 0;

  /** Add `event` when the body still fits within `maxBytes` and `maxEvents`; the first event always joins. */
  add(event: TidemarkEvent, maxBytes: number, maxEvents: number): boolean {
    const bytes = eventBytes(event);
    const context = event.context;
    // Texts are made once per context object, so events of one object compare as the same string.
    const own = isRecord(context) ? contextJson(context) : undefined;
    const shared = own !== undefined && (this.count === 0 || own === this.shared) ? own : undefined;
    const sharedBytes = shared === undefined ? 0 : this.count === 0 ? contextBytes(context as object)! : this.sharedBytes;
    // Its JSON without the context is at most its size less the context and its key.
    const bare = shared === undefined ? 0 : bytes - sharedBytes - CONTEXT_KEY_BYTES + 1;
    const planned = shared === undefined ? this.full + bytes + 1 : this.bare + bare + 1 + CONTEXT_KEY_BYTES + sharedBytes;
    if (this.count > 0 && (this.count >= maxEvents || planned > maxBytes)) return false;
    this.count++;
    this.full += bytes + 1;
    this.bare += bare + 1;
    this.shared = shared;
    this.sharedBytes = sharedBytes;
    return true;
  }
}

/**
 * The JSON batch body, assembled from each event's cached JSON text rather than
 * re-serializing the whole array, with the context the events share sent once (`batchJson`).
 * `chunkEvents` planned each body as it is written here, so none is larger than planned.
 *
 * @param events - the batch
 * @param writeKey - only for beacons, which cannot carry an Authorization header
 * @returns the body text
 */
export function batchBody(events: TidemarkEvent[], writeKey?: string): string {
  const key = writeKey === undefined ? '' : `,"writeKey":${JSON.stringify(writeKey)}`;
  const json = batchJson(events);
  const context = json.context === undefined ? '' : `,"context":${json.context}`;
  return `{"batch":[${json.events}]${context},"sentAt":"${new Date().toISOString()}"${key}}`;
}
