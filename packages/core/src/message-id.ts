import { customRandom, urlAlphabet } from 'nanoid';

/** Random bytes fetched per `crypto.getRandomValues` call: one call serves ~100 IDs. */
const POOL_BYTES = 4096;
let pool = new Uint8Array(0);
let offset = 0;

function pooledRandom(bytes: number): Uint8Array {
  if (offset + bytes > pool.length) {
    pool = crypto.getRandomValues(new Uint8Array(POOL_BYTES));
    offset = 0;
  }
  return pool.subarray(offset, (offset += bytes));
}

/**
 * A 21-character nanoid (URL alphabet, 126 bits) for `messageId`s. nanoid's browser build
 * asks `crypto.getRandomValues` for every ID, which is most of a `track()` call's cost; here
 * the random bytes come from a pool refilled 4 KB at a time.
 *
 * @returns a new ID
 * @example messageId() // 'V1StGXR8_Z5jdHi6B-myT'
 */
export const messageId: () => string = customRandom(urlAlphabet, 21, pooledRandom);
