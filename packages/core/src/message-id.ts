import { urlAlphabet } from 'nanoid';

/** Random bytes fetched per `crypto.getRandomValues` call: one call serves ~190 IDs. */
const POOL_BYTES = 4096;
const SIZE = 21;
const CODES = Uint8Array.from(urlAlphabet, (c) => c.charCodeAt(0));
const chars = new Uint8Array(SIZE);
let pool = new Uint8Array(0);
let offset = 0;

/**
 * A nanoid-format ID (21 characters of nanoid's URL alphabet, 126 random bits) for
 * `messageId`s and anonymous IDs. nanoid's browser build asks `crypto.getRandomValues` for
 * every ID and builds the string a character at a time, which was most of a `track()` call
 * (measured ~2 µs in Chromium); here the bytes come from a pool refilled 4 KB at a time and
 * the string is made in one `fromCharCode` (~0.4 µs). `byte & 63` is uniform because 256 is
 * a multiple of the alphabet's 64 characters, exactly as in nanoid.
 *
 * @returns a new ID
 * @example messageId() // 'V1StGXR8_Z5jdHi6B-myT'
 */
export function messageId(): string {
  if (offset + SIZE > pool.length) {
    pool = crypto.getRandomValues(new Uint8Array(POOL_BYTES));
    offset = 0;
  }
  for (let i = 0; i < SIZE; i++) chars[i] = CODES[pool[offset++]! & 63]!;
  return String.fromCharCode.apply(null, chars as unknown as number[]);
}
