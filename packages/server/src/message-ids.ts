import { nanoid } from 'nanoid';

/**
 * A source of unique `messageId`s for one client: a random 12-character nanoid prefix (72
 * bits, drawn once) followed by a base-36 counter. As unique as a fresh nanoid per event and
 * in the same alphabet, at a tenth of the cost (one string join instead of 21 random draws),
 * which matters on the 1 µs budget of `track()`. The fixed-length prefix keeps two clients'
 * IDs from ever colliding through their counters.
 *
 * @returns a function returning the next ID (13–23 characters of `[A-Za-z0-9_-]`)
 * @example const next = messageIds(); next() // 'V1StGXR8_Z5j0'
 */
export function messageIds(): () => string {
  const prefix = nanoid(12);
  let counter = 0;
  return () => prefix + (counter++).toString(36);
}
