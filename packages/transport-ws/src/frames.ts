/**
 * The Nucleus-style wire of the socket: frames `{ "data": [...], "sentAt": … }` out, and what
 * the collector may answer: `{ "reportedIds": [...], "rejected": [...] }` after it stored
 * events, `{ "error": … }` for a frame it could not read, or (from a broken server) anything
 * else.
 */

import { eventJson, utf8Length } from '@tidemark/protocol';
import type { TidemarkEvent } from '@tidemark/core';

const FRAME_HEAD = '{"data":[';
const FRAME_TAIL = '],"sentAt":"2000-01-01T00:00:00.000Z"}';
/** Bytes a frame spends around its events: head and tail. Commas are counted per event. */
export const FRAME_OVERHEAD = FRAME_HEAD.length + FRAME_TAIL.length;

/**
 * Join events already serialized to JSON into one frame, without serializing them again.
 * `sentAt` lets the collector correct the client's clock skew, as in a batch body.
 *
 * @param events - each event's JSON text
 * @param sentAt - when the frame is written
 * @returns the frame's text
 * @example frameOf(['{"id":"a"}'], new Date(0)) // '{"data":[{"id":"a"}],"sentAt":"1970-01-01T00:00:00.000Z"}'
 */
export function frameOf(events: readonly string[], sentAt: Date): string {
  return `${FRAME_HEAD}${events.join(',')}],"sentAt":${JSON.stringify(sentAt.toISOString())}}`;
}

/**
 * An event's wire text and its UTF-8 size, or why it can never be sent (with the error
 * behind it when serializing threw).
 */
export type Encoded = { json: string; bytes: number } | { reason: string; cause?: unknown };

/**
 * Serialize one event for a frame, through the app's encoder if any. Never throws: an event
 * that cannot be serialized, or is over `maxBytes`, gets a reason to be rejected with.
 *
 * @param event - the event
 * @param encoder - maps it to another shape first (Nucleus field names)
 * @param maxBytes - largest serialized event the collector accepts
 * @returns the JSON text and size, or the reason
 * @example encodeEvent(event, undefined, 32 * 1024) // { json: '{"type":"track",…}', bytes: 412 }
 */
export function encodeEvent(event: TidemarkEvent, encoder: ((event: TidemarkEvent) => object) | undefined, maxBytes: number): Encoded {
  let json: string | undefined;
  try {
    // Without an encoder, the core's cached text of the event is reused: it was made once
    // already for the size check and the queue.
    json = encoder ? JSON.stringify(encoder(event)) : eventJson(event);
  } catch (cause) {
    return { reason: 'the event could not be serialized for the socket', cause };
  }
  if (typeof json !== 'string') return { reason: 'the event serialized to nothing' };
  const bytes = utf8Length(json);
  if (bytes > maxBytes) return { reason: `event_too_large: ${bytes} bytes, over the ${maxBytes} byte limit` };
  return { json, bytes };
}

/** What a server message said, once read. */
export type ServerMessage =
  /**
   * `{ reportedIds, rejected? }`: `ids` are durably stored; `rejected` were refused for good
   * (invalid, too large) and must not be sent again.
   */
  | { kind: 'ack'; ids: string[]; rejected: Array<{ id: string; reason: string }> }
  /** `{ error }`: the server could not accept a frame; its events stay unacknowledged. */
  | { kind: 'error'; message: string }
  /** Anything else: not JSON, not an object, or without `reportedIds`/`error`. */
  | { kind: 'malformed'; sample: string };

const isId = (value: unknown): value is string | number => typeof value === 'string' || typeof value === 'number';

/**
 * Read one message from the collector. Never throws.
 *
 * IDs are matched as strings: the collector echoes each `id` with its JSON type, and ours
 * are always strings, but a server that turned `"42"` into `42` still means that event.
 *
 * @param data - the message's data (text frames; anything else is malformed)
 * @returns the message, classified
 * @example parseServerMessage('{"reportedIds":["a"]}') // { kind: 'ack', ids: ['a'], rejected: [] }
 */
export function parseServerMessage(data: unknown): ServerMessage {
  const sample = typeof data === 'string' ? data.slice(0, 200) : Object.prototype.toString.call(data);
  if (typeof data !== 'string') return { kind: 'malformed', sample };
  let message: unknown;
  try {
    message = JSON.parse(data);
  } catch {
    return { kind: 'malformed', sample };
  }
  if (message === null || typeof message !== 'object' || Array.isArray(message)) return { kind: 'malformed', sample };
  const { reportedIds, rejected, error } = message as { reportedIds?: unknown; rejected?: unknown; error?: unknown };
  if (Array.isArray(reportedIds) || Array.isArray(rejected)) {
    const ids: string[] = [];
    for (const id of Array.isArray(reportedIds) ? reportedIds : []) if (isId(id)) ids.push(String(id));
    const refused: Array<{ id: string; reason: string }> = [];
    for (const item of Array.isArray(rejected) ? rejected : []) {
      const { messageId, reason } = (item ?? {}) as { messageId?: unknown; reason?: unknown };
      if (isId(messageId)) refused.push({ id: String(messageId), reason: typeof reason === 'string' ? reason : 'rejected by the collector' });
    }
    return { kind: 'ack', ids, rejected: refused };
  }
  if (error !== undefined) {
    return { kind: 'error', message: typeof error === 'string' ? error : JSON.stringify(error) ?? 'unknown error' };
  }
  return { kind: 'malformed', sample };
}
