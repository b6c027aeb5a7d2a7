import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

const digest = (key: string) => createHash('sha256').update(key).digest('base64');

/**
 * A set of keys looked up by their SHA-256, so the time a lookup takes says nothing about how
 * much of a guessed key was right.
 *
 * @example
 * const readKeys = new KeyRing(['rk_secret']);
 * readKeys.has(bearerToken(req)); // true or false
 */
export class KeyRing {
  readonly #digests: Set<string>;

  /** @param keys - the accepted keys */
  constructor(keys: readonly string[]) {
    this.#digests = new Set(keys.map(digest));
  }

  /**
   * @param key - a candidate key (anything; non-strings are refused)
   * @returns true when it is one of the keys
   */
  has(key: unknown): key is string {
    return typeof key === 'string' && key !== '' && this.#digests.has(digest(key));
  }
}

/**
 * The write key of `Authorization: Basic base64(writeKey + ':')` (the Segment convention:
 * the key is the user name, the password is empty).
 *
 * @param req - the request
 * @returns the key; `undefined` without an Authorization header; `null` when the header is not Basic auth
 */
export function basicAuthKey(req: IncomingMessage): string | null | undefined {
  const header = req.headers.authorization;
  if (header === undefined) return undefined;
  const match = /^Basic\s+([A-Za-z0-9+/=_-]+)\s*$/i.exec(header);
  if (!match) return null;
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon === -1 ? decoded : decoded.slice(0, colon);
}

/**
 * The token of `Authorization: Bearer <token>`.
 *
 * @param req - the request
 * @returns the token, or `null`
 */
export function bearerToken(req: IncomingMessage): string | null {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
  return match ? match[1]! : null;
}
