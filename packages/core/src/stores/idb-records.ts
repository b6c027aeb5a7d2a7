// The IndexedDB queue's record format. A record holds the events of one write: its key is
// `<time-ordered prefix>.<live count in base 36>` and its value the JSON text of an array of
// events, with `null` where an event was removed, so a position never moves. An entry handed
// out by `peek` is keyed `<prefix>/<position in base 36>`. Rows of the first format (one
// event per row, keyed by the bare prefix) read as records of one.
import type { TidemarkEvent } from '../types.js';
import { browserGlobals } from '../platform/browser-globals.js';

/**
 * The key of a record.
 *
 * @param prefix - its time-ordered key from `queueKeyFactory`
 * @param count - events still in it
 * @returns the key
 */
export const recordKey = (prefix: string, count: number): string => `${prefix}.${count.toString(36)}`;

/**
 * The key of one event of a record, stable while the record is rewritten.
 *
 * @param prefix - the record's prefix
 * @param position - the event's position in it
 * @returns the entry key
 */
export const entryKey = (prefix: string, position: number): string => `${prefix}/${position.toString(36)}`;

/**
 * Events still in the record under `key` (1 for a row of the first format).
 *
 * @param key - a record key
 * @returns the count
 */
export function liveCount(key: string): number {
  const dot = key.lastIndexOf('.');
  const count = dot < 0 ? 1 : parseInt(key.slice(dot + 1), 36);
  return count > 0 ? count : 1;
}

/**
 * The record prefix of a record or entry key, and the position of an entry key.
 *
 * @param key - a record key or an entry key
 * @returns its parts
 */
export function splitEntryKey(key: string): { prefix: string; position?: number } {
  const slash = key.lastIndexOf('/');
  const base = slash < 0 ? key : key.slice(0, slash);
  const dot = base.lastIndexOf('.');
  const prefix = dot < 0 ? base : base.slice(0, dot);
  if (slash < 0) return { prefix };
  const position = parseInt(key.slice(slash + 1), 36);
  return Number.isInteger(position) && position >= 0 ? { prefix, position } : { prefix };
}

/**
 * The key range of one record whatever its count (`prefix` alone), or of the records from
 * `first` to `last`.
 *
 * @param first - a record prefix, or the first record key
 * @param last - the last record key
 * @returns an `IDBKeyRange`
 */
export function recordRange(first: string, last?: string): unknown {
  // '.' sorts before '/', and prefixes are of [0-9a-z]: `prefix` … `prefix/` holds the prefix's record only.
  return browserGlobals.IDBKeyRange!.bound(first, last ?? `${first}/`);
}

/**
 * The events of a stored record, or undefined when the row is not one (damaged, foreign).
 *
 * @param value - the row's value
 * @returns events by position, `null` where removed
 */
export function parseRecord(value: unknown): Array<TidemarkEvent | null> | undefined {
  try {
    const parsed: unknown = typeof value === 'string' ? JSON.parse(value) : value;
    const list = Array.isArray(parsed) ? parsed : [parsed];
    const valid = list.every((e) => e === null || (!!e && typeof e === 'object' && typeof (e as TidemarkEvent).messageId === 'string'));
    return valid && list.some((e) => e !== null) ? (list as Array<TidemarkEvent | null>) : undefined;
  } catch {
    return undefined;
  }
}
