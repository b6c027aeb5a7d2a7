import { describeValue, explain, SENTENCES } from '@tidemark/protocol';
import { TidemarkError } from './errors.js';
import { LIMITS } from './types.js';

// Control characters have no place in IDs, and the collector refuses them (they separate the
// parts of its dedupe keys).
const CONTROL = /[\u0000-\u001f\u007f]/;

/**
 * Whether `value` is an ID the collector will take: a non-empty string of at most
 * {@link LIMITS.maxIdLength} characters without control characters.
 *
 * @param value - a user, group or previous ID
 * @returns true when it is valid
 */
export function isValidId(value: unknown): value is string {
  return typeof value === 'string' && value !== '' && value.length <= LIMITS.maxIdLength && !CONTROL.test(value);
}

/**
 * Refuse an ID before it touches any state: a user ID the collector refuses would make every
 * later event of the visitor fail, so the call that sets it is the one that must fail.
 *
 * @param value - the ID passed
 * @param what - the argument, for the message (`identify() user ID`)
 * @throws TidemarkError `invalid_event` saying what a valid ID is
 * @example checkId(jwt, 'identify() user ID') // throws: … at most 200 characters (got a string of 812 characters)
 */
export function checkId(value: unknown, what: string): asserts value is string {
  if (!isValidId(value)) {
    throw new TidemarkError('invalid_event', SENTENCES ? `${what} must be a non-empty string of at most ${LIMITS.maxIdLength} characters without control characters (got ${describeValue(value)}); use your database ID, not a token` : explain('TM18'));
  }
}

/**
 * The error reported when part of a call's data could not be read.
 *
 * @param what - whose data (`track("Signed Up") properties`)
 * @param count - how many values were left out
 * @returns an `unreadable_value` error saying what to pass instead
 */
export function unreadableError(what: string, count: number): TidemarkError {
  return new TidemarkError('unreadable_value', SENTENCES ? `${count} value(s) of ${what} could not be read (a getter or Proxy threw, or it was not an object) and were left out; pass plain data` : explain('TM19'));
}
