import { HttpError } from '../http/reply.js';
import { WIRE_LIMITS } from '../ingest/limits.js';
import type { Db } from '../store/schema.js';

/** Most IDs one receipts question may name. */
export const MAX_RECEIPT_IDS = 1_000;

/**
 * Check the IDs of a receipts question (`{ messageIds }` over HTTP, `{ check }` over a socket).
 *
 * @param ids - the value sent
 * @param field - its name, for the message
 * @returns the IDs
 * @throws HttpError 400 `bad_request` for a non-array, more than 1,000 IDs, or an ID that is not a string of 1–200 characters
 */
export function receiptIds(ids: unknown, field: string): string[] {
  if (!Array.isArray(ids)) throw new HttpError(400, 'bad_request', `${field} must be an array of message IDs`);
  if (ids.length > MAX_RECEIPT_IDS) throw new HttpError(400, 'bad_request', `${field} may name at most ${MAX_RECEIPT_IDS} message IDs (got ${ids.length}); ask in parts`);
  for (const id of ids) {
    if (typeof id !== 'string' || id === '' || id.length > WIRE_LIMITS.maxIdLength) {
      throw new HttpError(400, 'bad_request', `${field} must hold only message IDs: strings of 1 to ${WIRE_LIMITS.maxIdLength} characters`);
    }
  }
  return ids as string[];
}

/**
 * Which of these Segment `messageId`s are stored under this source (write key). Another
 * source's events are never named, so one write key cannot probe another's.
 *
 * @param db - the database
 * @param source - the caller's write key
 * @param ids - message IDs (Segment events are keyed by their `messageId`)
 * @returns the stored ones, in the order asked
 */
export function storedIds(db: Db, source: string, ids: string[]): string[] {
  if (!ids.length) return [];
  const unique = [...new Set(ids)];
  const rows = db.prepare(`SELECT key FROM events WHERE source = ? AND key IN (${unique.map(() => '?').join(', ')})`).all(source, ...unique) as Array<{ key: string }>;
  const found = new Set(rows.map((r) => r.key));
  return unique.filter((id) => found.has(id));
}
