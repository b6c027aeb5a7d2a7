import { TidemarkError } from './errors.js';

/**
 * Fills an array with cryptographically strong random bytes and returns it, as Web Crypto's
 * `crypto.getRandomValues` does.
 *
 * @example
 * const randomValues: RandomValues = (bytes) => require('node:crypto').webcrypto.getRandomValues(bytes);
 */
export type RandomValues = (bytes: Uint8Array) => Uint8Array;

/** nanoid's URL alphabet (64 characters, so `byte & 63` picks one uniformly). */
const ALPHABET = 'useandom-26T198340PX75pxJACKVERYMINDBUSHWOLF_GQZbfghjklqvwyzrict';
/** Random bytes fetched per call of the random source: one call serves ~190 IDs. */
const POOL_BYTES = 4096;
const SIZE = 21;
const CODES = Uint8Array.from(ALPHABET, (c) => c.charCodeAt(0));
const chars = new Uint8Array(SIZE);
let pool: Uint8Array = new Uint8Array(0);
let offset = 0;
let source: RandomValues | undefined;

/**
 * The runtime's Web Crypto, read through `globalThis` at first use: Node 18 has no `crypto`
 * global (it needs `--experimental-global-webcrypto`), and a bare `crypto` there is a
 * `ReferenceError` at the first ID instead of a set-up error with the fix.
 */
function webCrypto(): RandomValues | undefined {
  const crypto = (globalThis as { crypto?: { getRandomValues?: RandomValues } }).crypto;
  return typeof crypto?.getRandomValues === 'function' ? (bytes) => crypto.getRandomValues!(bytes) : undefined;
}

/**
 * Choose where IDs get their random bytes: `randomValues` when given, else the runtime's
 * Web Crypto. Called by `createTidemark` at set-up. The source is process-wide, as the pool
 * is: every accepted source is a CSPRNG, so whichever was given last serves every client.
 *
 * @param randomValues - an injected source (Node 18: `node:crypto`'s `webcrypto.getRandomValues`)
 * @throws TidemarkError `invalid_option` when neither exists, or `randomValues` is not a function
 */
export function useRandomValues(randomValues?: RandomValues): void {
  if (randomValues !== undefined && typeof randomValues !== 'function') {
    throw new TidemarkError('invalid_option', 'randomValues must be a function (bytes: Uint8Array) => Uint8Array, like crypto.getRandomValues');
  }
  source = randomValues ?? source ?? webCrypto();
  if (!source) {
    throw new TidemarkError(
      'invalid_option',
      "this runtime has no Web Crypto (globalThis.crypto; Node 18 has it only with --experimental-global-webcrypto): pass { randomValues: (bytes) => require('node:crypto').webcrypto.getRandomValues(bytes) }",
    );
  }
}

/**
 * A nanoid-format ID (21 characters of nanoid's URL alphabet, 126 random bits) for
 * `messageId`s and anonymous IDs. nanoid's browser build asks `crypto.getRandomValues` for
 * every ID and builds the string a character at a time, which was most of a `track()` call
 * (measured ~2 µs in Chromium); here the bytes come from a pool refilled 4 KB at a time and
 * the string is made in one `fromCharCode` (~0.4 µs). `byte & 63` is uniform because 256 is
 * a multiple of the alphabet's 64 characters, exactly as in nanoid.
 *
 * @returns a new ID
 * @throws TidemarkError `invalid_option` when no random source exists (see {@link useRandomValues})
 * @example messageId() // 'V1StGXR8_Z5jdHi6B-myT'
 */
export function messageId(): string {
  if (offset + SIZE > pool.length) {
    if (!source) useRandomValues();
    pool = source!(new Uint8Array(POOL_BYTES));
    offset = 0;
  }
  for (let i = 0; i < SIZE; i++) chars[i] = CODES[pool[offset++]! & 63]!;
  return String.fromCharCode.apply(null, chars as unknown as number[]);
}
