import { eventJson, utf8Length, type TidemarkEvent } from '@tidemark/core';

/** Bytes of the batch body around the events: `{"batch":[…],"sentAt":"…","writeKey":"…"}`. */
const ENVELOPE_BYTES = 200;

/**
 * Split events into groups whose batch bodies fit `maxBytes` and `maxEvents`, in order.
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
  let bytes = ENVELOPE_BYTES;
  for (const event of events) {
    const size = utf8Length(eventJson(event)) + 1;
    if (current.length && (current.length >= maxEvents || bytes + size > maxBytes)) {
      chunks.push(current);
      current = [];
      bytes = ENVELOPE_BYTES;
    }
    current.push(event);
    bytes += size;
  }
  if (current.length) chunks.push(current);
  return chunks;
}

/**
 * The JSON batch body, assembled from each event's cached JSON text rather than
 * re-serializing the whole array.
 *
 * @param events - the batch
 * @param writeKey - only for beacons, which cannot carry an Authorization header
 * @returns the body text
 */
export function batchBody(events: TidemarkEvent[], writeKey?: string): string {
  const key = writeKey === undefined ? '' : `,"writeKey":${JSON.stringify(writeKey)}`;
  return `{"batch":[${events.map(eventJson).join(',')}],"sentAt":"${new Date().toISOString()}"${key}}`;
}
