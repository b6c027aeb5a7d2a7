import { BATCH_ENVELOPE_BYTES, batchJson, contextJson, eventBytes, isRecord, utf8Length } from '@tidemark/protocol';
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

/** `,"context":`: what an event's JSON spends on its context besides the context's own text. */
const CONTEXT_KEY_BYTES = 11;

/** The text and UTF-8 size of context objects, once per object. */
const contextSizes = new WeakMap<object, { text: string; bytes: number } | null>();

function contextSize(context: unknown): { text: string; bytes: number } | null {
  if (!isRecord(context)) return null;
  let size = contextSizes.get(context);
  if (size === undefined) {
    const text = contextJson(context);
    contextSizes.set(context, (size = text === undefined ? null : { text, bytes: utf8Length(text) }));
  }
  return size;
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
  /** The context every event so far shares, or `null` once two differ. */
  shared: { text: string; bytes: number } | null = null;

  /** Add `event` when the body still fits within `maxBytes` and `maxEvents`; the first event always joins. */
  add(event: TidemarkEvent, maxBytes: number, maxEvents: number): boolean {
    const bytes = eventBytes(event);
    const own = contextSize(event.context);
    const shared = this.count === 0 ? own : own && this.shared && own.text === this.shared.text ? this.shared : null;
    // Its JSON without the context is at most its size less the context and its key.
    const bare = shared ? bytes - shared.bytes - CONTEXT_KEY_BYTES + 1 : 0;
    const planned = shared ? this.bare + bare + 1 + CONTEXT_KEY_BYTES + shared.bytes : this.full + bytes + 1;
    if (this.count > 0 && (this.count >= maxEvents || planned > maxBytes)) return false;
    this.count++;
    this.full += bytes + 1;
    this.bare += bare + 1;
    this.shared = shared;
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
