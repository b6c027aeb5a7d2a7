import { BatchSize, batchJson, eventBytes } from '@tidemark/protocol';
import type { TidemarkEvent } from '@tidemark/core';

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
  let size = new BatchSize(maxBytes, maxEvents);
  for (const event of events) {
    const bytes = eventBytes(event);
    if (!size.add(bytes)) {
      chunks.push(current);
      current = [];
      size = new BatchSize(maxBytes, maxEvents);
      size.add(bytes);
    }
    current.push(event);
  }
  if (current.length) chunks.push(current);
  return chunks;
}

/**
 * The JSON batch body, assembled from each event's cached JSON text rather than
 * re-serializing the whole array, with the context the events share sent once (`batchJson`).
 * Packing counted each event with its context, so a body is never larger than planned.
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
