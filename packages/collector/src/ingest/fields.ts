import type { EventFlag, JsonRecord } from '../store/row.js';
import { WIRE_LIMITS } from './limits.js';
import { isDateMs } from '../dates.js';

/** Thrown inside the normalizers to reject one event; caught by them, never escapes. */
export class EventProblem {
  /** @param reason - why the event is rejected, as sent back to the client */
  constructor(readonly reason: string) {}
}

// Control characters have no place in IDs; excluding them also keeps IDs apart from the
// separator of the Nucleus dedupe keys. Nor do lone surrogates: both stores turn each into
// U+FFFD, so two different IDs would become one key (the second event was answered stored
// as a duplicate and lost).
const NOT_PRINTABLE = /[\u0000-\u001f\u007f]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * Read an ID-like string field.
 *
 * @param record - the event
 * @param field - the field name
 * @param required - reject when it is missing
 * @returns the value, or `null` when absent and optional
 * @throws EventProblem when it is present but not a short, printable, non-empty string
 */
export function idField(record: JsonRecord, field: string, required: boolean): string | null {
  const value = record[field];
  if (value === undefined || value === null) {
    if (required) throw new EventProblem(`${field} is required`);
    return null;
  }
  if (typeof value !== 'string' || value === '' || value.length > WIRE_LIMITS.maxIdLength || NOT_PRINTABLE.test(value)) {
    throw new EventProblem(`${field} must be a non-empty string of at most ${WIRE_LIMITS.maxIdLength} printable characters`);
  }
  return value;
}

/**
 * Read an event-name field.
 *
 * @param record - the event
 * @param field - the field name
 * @param required - reject when it is missing
 * @returns the name, or `null` when absent and optional
 * @throws EventProblem when it is present but not a non-empty string of at most 200 characters
 */
export function nameField(record: JsonRecord, field: string, required: boolean): string | null {
  const value = record[field];
  if (value === undefined || value === null) {
    if (required) throw new EventProblem(`${field} is required`);
    return null;
  }
  if (typeof value !== 'string' || value.trim() === '' || value.length > WIRE_LIMITS.maxEventNameLength) {
    throw new EventProblem(`${field} must be a non-empty string of at most ${WIRE_LIMITS.maxEventNameLength} characters`);
  }
  // SQLite reads a text column back only up to a NUL: the name would become another one.
  if (value.includes('\u0000')) throw new EventProblem(`${field} must not contain a NUL character`);
  return value;
}

/**
 * Read an optional object field (properties, traits, context, payload).
 *
 * @param record - the event
 * @param field - the field name
 * @returns the object, or `null` when absent
 * @throws EventProblem when it is present but not a plain JSON object
 */
export function objectField(record: JsonRecord, field: string): JsonRecord | null {
  const value = record[field];
  if (value === undefined || value === null) return null;
  if (typeof value !== 'object' || Array.isArray(value)) throw new EventProblem(`${field} must be an object`);
  return value as JsonRecord;
}

/**
 * Read a session ID: a finite number (Tidemark's start time in ms, Nucleus's 4 digits) or a string.
 *
 * @param value - the raw value
 * @returns the ID as text, or `null` when absent
 * @throws EventProblem when it is of another type
 */
export function sessionIdOf(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value === 'string' && value !== '' && value.length <= WIRE_LIMITS.maxIdLength && !NOT_PRINTABLE.test(value)) return value;
  throw new EventProblem('sessionId must be a number or a non-empty string');
}

/**
 * Serialize an event for storage and enforce the 32 KB limit.
 *
 * @param event - the event as received
 * @param text - its JSON text as sent, if known: kept when within the limit (spacing a
 *   sender added does not refuse an event whose serialization fits)
 * @returns its JSON text
 * @throws EventProblem when it is larger than 32 KB
 */
export function serializeEvent(event: unknown, text?: string): string {
  if (text !== undefined && fits(text)) return text;
  const raw = JSON.stringify(event);
  if (!fits(raw)) throw new EventProblem(`event is larger than ${WIRE_LIMITS.maxEventBytes / 1024} KB`);
  return raw;
}

function fits(text: string): boolean {
  // Byte length only matters once the UTF-16 length could exceed the limit in UTF-8 (≤ 3 bytes per unit).
  return text.length * 3 <= WIRE_LIMITS.maxEventBytes || Buffer.byteLength(text) <= WIRE_LIMITS.maxEventBytes;
}

/**
 * Event time from the client time: shifted by the clock skew measured on the request, then
 * clamped to the server's clock, since an event cannot happen after it was received.
 *
 * @param clientMs - client time
 * @param receivedMs - server time of receipt
 * @param skewMs - `receivedAt - sentAt` of the request, or `null` when unknown
 * @param flags - gets `future_timestamp` when the time was clamped
 * @returns the corrected time
 */
export function correctTime(clientMs: number, receivedMs: number, skewMs: number | null, flags: EventFlag[]): number {
  // A `sentAt` far from the truth could shift a valid time out of the range a Date holds.
  const shifted = skewMs === null ? clientMs : clientMs + skewMs;
  const corrected = isDateMs(shifted) ? shifted : clientMs;
  if (corrected > receivedMs) {
    flags.push('future_timestamp');
    return receivedMs;
  }
  return corrected;
}
