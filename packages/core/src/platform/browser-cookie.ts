import { ANONYMOUS_ID_PATTERN, cookieValues } from '@tidemark/protocol';
import { IDENTITY_KEYS } from '../identity.js';
import type { KeyValueStorage } from '../key-value.js';
import { SESSION_KEY } from '../session.js';
import { browserGlobals as g } from './browser-globals.js';

/** Options of the visitor cookies (`cookie: { … }`). */
export interface IdCookieOptions {
  /** Name of the anonymous-ID cookie. @default 'tm_aid' */
  name?: string;
  /** Name of the session-ID cookie. @default 'tm_sid' */
  sessionName?: string;
  /** Domain, to share one visitor with subdomains (e.g. `shop.example` for www. and app.). @default the current host */
  domain?: string;
  /** Lifetime of the anonymous-ID cookie in days. @default 400, the browsers' cap and the server's `issueCookies` lifetime, so whichever writes last sets the same expiry */
  maxAgeDays?: number;
}

/** `document.cookie` as a read and a write: the seam tests replace. */
export interface CookieJar {
  read(): string;
  write(cookie: string): void;
}

/** The page's own cookies: nothing outside a browser, and nothing thrown by sandboxed documents (the header path still works). */
const documentJar: CookieJar = {
  read: () => {
    try {
      return g.document!.cookie;
    } catch {
      return '';
    }
  },
  write: (cookie) => {
    try {
      g.document!.cookie = cookie;
    } catch {
      // As above.
    }
  },
};

/** A session ID as the server validates it: a positive integer of at most 16 digits. */
const SESSION_ID = /^[1-9]\d{0,15}$/;

/** The first value of cookie `name` that matches `valid`; forged, encoded or oversized values are skipped. */
const cookieValue = (text: string, name: string, valid: RegExp): string | undefined => cookieValues(text, name).find((value) => value.length <= 64 && valid.test(value));

/**
 * Keep the anonymous ID and session ID in first-party cookies (`tm_aid`, `tm_sid`;
 * `SameSite=Lax`, `Secure` on https) in step with `storage`, so requests to the site's own
 * backend carry them and subdomains sharing `domain` share one visitor.
 *
 * The cookies are read once, at start: a valid one wins over what this origin's storage
 * holds, because localStorage is per origin (www. and app. each have their own) while a
 * domain cookie is what every subdomain last wrote, and a cookie the server re-issued
 * outlives Safari's 7-day cap on script-written storage. Writes go through to the cookies
 * only when the IDs change (and once at start, to renew the anonymous ID's), never per event:
 * `document.cookie` is one of the slowest things a page can touch. The session cookie lives
 * for one session timeout, renewed with the session's activity (at most once a second).
 *
 * @param storage - the storage to keep in step
 * @param options - names, domain, lifetime
 * @param timeoutMs - the session timeout
 * @param now - the client's clock
 * @param mayWrite - false while writing cookies is not allowed: until consent is `granted`,
 *   since an analytics cookie needs the visitor's consent where events do
 * @param jar - `document.cookie` unless a test gives another
 * @returns the storage, with the cookies mirrored
 */
export function withIdCookies(storage: KeyValueStorage, options: IdCookieOptions, timeoutMs: number, now: () => number, mayWrite: () => boolean, jar: CookieJar = documentJar): KeyValueStorage {
  const { name = 'tm_aid', sessionName = 'tm_sid', domain, maxAgeDays = 400 } = options;
  const text = jar.read();
  // The cookies' IDs until the start has read them; null once the anonymous ID's was read.
  let anonymousId: string | undefined | null = cookieValue(text, name, ANONYMOUS_ID_PATTERN);
  let sessionId = cookieValue(text, sessionName, SESSION_ID);
  const write = (cookie: string, value: string | null, seconds: number) => {
    if (mayWrite()) jar.write(`${cookie}=${value ?? ''}; Path=/; Max-Age=${value ? seconds : 0}; SameSite=Lax${domain ? `; Domain=${domain}` : ''}${g.location?.protocol === 'https:' ? '; Secure' : ''}`);
  };
  const mirror = (key: string, value: string | null) => {
    if (key === IDENTITY_KEYS.anonymousId) write(name, value, Math.round(maxAgeDays * 86_400));
    else if (key === SESSION_KEY) write(sessionName, value && value.split('.')[0]!, Math.ceil(timeoutMs / 1000));
  };
  return {
    keys: storage.keys?.bind(storage),
    subscribe: storage.subscribe?.bind(storage),
    get(key) {
      let value = storage.get(key);
      if (key === IDENTITY_KEYS.anonymousId && anonymousId !== null) {
        if (anonymousId && anonymousId !== value) storage.set(key, (value = anonymousId));
        // Renewed at every start, so a visitor who returns within the cookie's life keeps it.
        if (value && ANONYMOUS_ID_PATTERN.test(value)) mirror(key, value);
        anonymousId = null;
      } else if (key === SESSION_KEY && sessionId) {
        // A live session cookie means some subdomain saw activity within the timeout: join it.
        storage.set(key, (value = `${sessionId}.${now()}`));
        sessionId = undefined;
      }
      return value;
    },
    set(key, value) {
      storage.set(key, value);
      mirror(key, value);
    },
    remove(key) {
      storage.remove(key);
      mirror(key, null);
    },
  };
}
