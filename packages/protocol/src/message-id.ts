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
 * The runtime's Web Crypto, read through `globalThis`: Node 18 has no `crypto` global (it
 * needs `--experimental-global-webcrypto`), and a bare `crypto` there is a `ReferenceError`.
 *
 * @returns `crypto.getRandomValues`, or undefined where the runtime has none
 */
export function webCryptoRandom(): RandomValues | undefined {
  const crypto = (globalThis as { crypto?: { getRandomValues?: RandomValues } }).crypto;
  return typeof crypto?.getRandomValues === 'function' ? (bytes) => crypto.getRandomValues!(bytes) : undefined;
}

/**
 * Choose where IDs get their random bytes: `randomValues` when given, else the one chosen
 * before, else the runtime's Web Crypto. The source is process-wide, as the pool is: every
 * accepted source is a CSPRNG, so whichever was given last serves every client.
 *
 * @param randomValues - an injected source (Node 18: `node:crypto`'s `webcrypto.getRandomValues`)
 * @returns whether a source is now set (false: this runtime has none and none was given)
 */
export function setRandomValues(randomValues?: RandomValues): boolean {
  source = randomValues ?? source ?? webCryptoRandom();
  return source !== undefined;
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
 * @throws Error when no random source exists (callers check {@link setRandomValues} at set-up)
 * @example messageId() // 'V1StGXR8_Z5jdHi6B-myT'
 */
export function messageId(): string {
  if (offset + SIZE > pool.length) {
    if (!source && !setRandomValues()) throw new Error('no random source: pass randomValues (see setRandomValues)');
    pool = source!(new Uint8Array(POOL_BYTES));
    offset = 0;
  }
  for (let i = 0; i < SIZE; i++) chars[i] = CODES[pool[offset++]! & 63]!;
  return String.fromCharCode.apply(null, chars as unknown as number[]);
}

/**
 * A source of unique `messageId`s for one busy client (a backend): a random 12-character
 * prefix (72 bits, drawn once) and a base-36 counter. As unique as a fresh ID per event and in
 * the same alphabet, for one string join per event; the fixed-length prefix keeps two
 * clients' IDs from ever colliding through their counters.
 *
 * @returns a function returning the next ID (13–23 characters of `[A-Za-z0-9_-]`)
 * @example const next = messageIds(); next() // 'V1StGXR8_Z5j0'
 */
export function messageIds(): () => string {
  const prefix = messageId().slice(0, 12);
  let counter = 0;
  return () => prefix + (counter++).toString(36);
}
