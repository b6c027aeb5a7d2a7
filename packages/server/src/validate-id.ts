import { ANONYMOUS_ID_PATTERN } from '@tidemark/protocol';

/**
 * Why a candidate ID was ignored. The reason never contains the value itself, so a forged ID
 * cannot smuggle `\r\n` or megabytes into a log line through the reason.
 * - `not_a_string`: the value was a number, object, array…
 * - `multiple_values`: a header or cookie was sent more than once with different values.
 * - `empty`: an empty string.
 * - `too_short`: under 8 characters.
 * - `too_long`: over 64 characters (checked before any pattern match, so 10 KB costs nothing).
 * - `invalid_characters`: outside the nanoid alphabet `[A-Za-z0-9_-]` (control characters,
 *   spaces, `%`, quotes, unicode lookalikes such as Cyrillic `а` or fullwidth digits).
 * - `not_an_integer`: a session ID that is not a run of 1–16 decimal digits.
 * - `out_of_range`: a session ID of 0 or beyond `Number.MAX_SAFE_INTEGER`.
 */
export type IdRejectReason =
  | 'not_a_string'
  | 'multiple_values'
  | 'empty'
  | 'too_short'
  | 'too_long'
  | 'invalid_characters'
  | 'not_an_integer'
  | 'out_of_range';

/** The verdict on one candidate ID. */
export type IdCheck<T> = { ok: true; value: T } | { ok: false; reason: IdRejectReason };

/** Fewest characters of an anonymous ID. */
export const MIN_ID_LENGTH = 8;
/** Most characters of an anonymous ID. */
export const MAX_ID_LENGTH = 64;

// Only to name the reason; acceptance is core's ANONYMOUS_ID_PATTERN, shared with the browser.
const NANOID_ALPHABET = /^[A-Za-z0-9_-]+$/;
const DECIMAL = /^[0-9]{1,16}$/;

/**
 * Check a candidate anonymous ID: the nanoid alphabet `[A-Za-z0-9_-]`, 8–64 characters.
 * UUIDs and nanoids pass; anything that could break a header, a log line or a query does not.
 *
 * @param value - anything read from a request or passed by the app
 * @returns `{ ok: true, value }` or `{ ok: false, reason }`
 * @example
 * validateAnonymousId('V1StGXR8_Z5jdHi6B-myT') // { ok: true, value: 'V1StGXR8_Z5jdHi6B-myT' }
 * validateAnonymousId('abc\r\nSet-Cookie: x') // { ok: false, reason: 'invalid_characters' }
 */
export function validateAnonymousId(value: unknown): IdCheck<string> {
  if (typeof value !== 'string') return { ok: false, reason: 'not_a_string' };
  if (value.length === 0) return { ok: false, reason: 'empty' };
  if (value.length > MAX_ID_LENGTH) return { ok: false, reason: 'too_long' };
  if (ANONYMOUS_ID_PATTERN.test(value)) return { ok: true, value };
  return { ok: false, reason: NANOID_ALPHABET.test(value) ? 'too_short' : 'invalid_characters' };
}

/**
 * Whether a value is a valid anonymous ID, without allocating a verdict (the per-call path).
 *
 * @param value - anything
 * @returns true for a string of 8–64 characters of `[A-Za-z0-9_-]`
 */
export function isAnonymousId(value: unknown): value is string {
  return typeof value === 'string' && value.length <= MAX_ID_LENGTH && ANONYMOUS_ID_PATTERN.test(value);
}

/**
 * Check a candidate session ID: the session's start time in ms, sent as decimal digits (a
 * header or cookie) or as a number (a JSON body).
 *
 * @param value - a string of digits or a number
 * @returns `{ ok: true, value }` with the number, or `{ ok: false, reason }`
 * @example validateSessionId('1732530000000') // { ok: true, value: 1732530000000 }
 */
export function validateSessionId(value: unknown): IdCheck<number> {
  let id: number;
  if (typeof value === 'number') {
    if (!Number.isInteger(value)) return { ok: false, reason: 'not_an_integer' };
    id = value;
  } else if (typeof value === 'string') {
    if (value.length === 0) return { ok: false, reason: 'empty' };
    if (!DECIMAL.test(value)) return { ok: false, reason: 'not_an_integer' };
    id = Number(value);
  } else {
    return { ok: false, reason: 'not_a_string' };
  }
  if (id <= 0 || !Number.isSafeInteger(id)) return { ok: false, reason: 'out_of_range' };
  return { ok: true, value: id };
}
