import { describe, expect, it } from 'vitest';
import { manualClock } from '@tidemark/test-kit';
import { IDENTITY_KEYS, Identity } from '../identity.js';
import { memoryKeyValue, type KeyValueStorage } from '../key-value.js';
import { SESSION_KEY, SessionTracker } from '../session.js';
import { withIdCookies, type CookieJar } from './browser-cookie.js';

/** A parent-domain cookie jar shared by two origins: what `Domain=shop.test` gives www. and app. */
function sharedJar(initial = '') {
  const cookies = new Map<string, string>();
  for (const part of initial.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0) cookies.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  const writes: string[] = [];
  const jar: CookieJar = {
    read: () => [...cookies].map(([k, v]) => `${k}=${v}`).join('; '),
    write: (cookie) => {
      writes.push(cookie);
      const [pair] = cookie.split(';');
      const eq = pair!.indexOf('=');
      if (/Max-Age=0(;|$)/.test(cookie)) cookies.delete(pair!.slice(0, eq));
      else cookies.set(pair!.slice(0, eq), pair!.slice(eq + 1));
    },
  };
  return { jar, cookies, writes };
}

const TIMEOUT = 30 * 60_000;

/** One origin's client state: its own storage, the shared jar. */
function origin(jar: CookieJar, storage: KeyValueStorage = memoryKeyValue(), allowed = () => true) {
  const clock = manualClock(1_700_000_000_000);
  const wrapped = withIdCookies(storage, { domain: 'shop.test' }, TIMEOUT, () => clock.now(), allowed, jar);
  const identity = new Identity(wrapped);
  const starts: number[] = [];
  const sessions = new SessionTracker(wrapped, clock, TIMEOUT, (id) => starts.push(id));
  sessions.touch();
  return { storage, identity, sessions, starts, clock, wrapped };
}

describe('withIdCookies', () => {
  it('gives www. and app. one visitor and one session through the parent-domain cookies', () => {
    const { jar, cookies, writes } = sharedJar();
    const www = origin(jar);
    expect(cookies.get('tm_aid')).toBe(www.identity.anonymousId);
    expect(cookies.get('tm_sid')).toBe(String(www.sessions.id));
    expect(writes[0]).toMatch(/^tm_aid=[A-Za-z0-9_-]{21}; Path=\/; Max-Age=34560000; SameSite=Lax; Domain=shop\.test$/);
    expect(writes.find((w) => w.startsWith('tm_sid='))).toMatch(/; Max-Age=1800; SameSite=Lax; Domain=shop\.test$/);

    const app = origin(jar); // another origin: empty storage of its own
    expect(app.identity.anonymousId).toBe(www.identity.anonymousId);
    expect(app.sessions.id).toBe(www.sessions.id);
    expect(app.starts).toEqual([]); // it joined the session, it did not start one
    // Storage is kept in step, so the next load reads the same visitor even without the cookie.
    expect(app.storage.get(IDENTITY_KEYS.anonymousId)).toBe(www.identity.anonymousId);
    expect(app.storage.get(SESSION_KEY)?.split('.')[0]).toBe(String(www.sessions.id));
  });

  it('lets a valid cookie win over a different ID in this origin\'s storage', () => {
    const { jar } = sharedJar('tm_aid=Parent_visitor_0000001; tm_sid=1700000000000');
    const storage = memoryKeyValue();
    storage.set(IDENTITY_KEYS.anonymousId, 'Local_visitor_00000001');
    storage.set(SESSION_KEY, '1699999999999.1699999999999');
    const app = origin(jar, storage);
    expect(app.identity.anonymousId).toBe('Parent_visitor_0000001');
    expect(storage.get(IDENTITY_KEYS.anonymousId)).toBe('Parent_visitor_0000001');
    expect(app.sessions.id).toBe(1_700_000_000_000);
  });

  it('ignores forged, oversized and encoded cookies without throwing, and keeps the stored ID', () => {
    for (const forged of ['x', 'a%0d%0aSet-Cookie:x=1', `${'A'.repeat(4000)}`, '"quoted_value_1234"', 'аbcdefghij', 'abc defghij']) {
      const { jar } = sharedJar(`tm_aid=${forged}; tm_sid=${forged === 'x' ? '0' : '12345678901234567'}`);
      const storage = memoryKeyValue();
      storage.set(IDENTITY_KEYS.anonymousId, 'Stored_visitor_0000001');
      const site = origin(jar, storage);
      expect(site.identity.anonymousId).toBe('Stored_visitor_0000001');
      expect(site.starts).toHaveLength(1); // the forged session ID was not joined
    }
  });

  it('follows reset() and the end of a session into the cookies', () => {
    const { jar, cookies } = sharedJar();
    const site = origin(jar);
    const before = site.identity.anonymousId;
    site.identity.reset();
    site.sessions.end();
    expect(cookies.get('tm_aid')).toBe(site.identity.anonymousId);
    expect(site.identity.anonymousId).not.toBe(before);
    expect(cookies.has('tm_sid')).toBe(false);
  });

  it('writes no cookie while writing is not allowed (consent not granted)', () => {
    const { jar, writes } = sharedJar();
    origin(jar, memoryKeyValue(), () => false);
    expect(writes).toEqual([]);
  });

  it('passes every other key straight through', () => {
    const { jar, writes } = sharedJar();
    const { wrapped, storage } = origin(jar);
    const before = writes.length;
    wrapped.set('tm_consent', 'granted');
    expect(storage.get('tm_consent')).toBe('granted');
    expect(wrapped.keys!()).toContain('tm_consent');
    expect(writes).toHaveLength(before);
  });
});
