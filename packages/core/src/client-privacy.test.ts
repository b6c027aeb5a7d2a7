import { afterEach, describe, expect, it, vi } from 'vitest';
import { manualClock, scriptedTransport } from '@tidemark/test-kit';
import { createTidemark } from './client.js';
import { names, setup } from './client-fixture.js';
import { CONSENT_KEY } from './consent.js';
import { memoryKeyValue } from './key-value.js';
import type { TidemarkOptions } from './options.js';

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('respectGpc', () => {
  it('starts in consent denied when the browser sends Global Privacy Control, and sends nothing', async () => {
    vi.stubGlobal('navigator', { globalPrivacyControl: true });
    const { client, transport } = setup({ respectGpc: true });
    expect(client.getConsent()).toBe('denied');
    client.track('Viewed');
    await client.flush();
    expect(transport.delivered).toEqual([]);
  });

  it("starts in pending with respectGpc: 'pending', so the site can ask the visitor", async () => {
    vi.stubGlobal('navigator', { globalPrivacyControl: true });
    const { client, transport } = setup({ respectGpc: 'pending' });
    expect(client.getConsent()).toBe('pending');
    client.track('Viewed');
    client.setConsent('granted');
    await client.flush();
    expect(names(transport.delivered)).toEqual(['session_start', 'Viewed']);
  });

  it('changes nothing without the signal, without the option, or after the visitor chose', () => {
    vi.stubGlobal('navigator', { globalPrivacyControl: false });
    expect(setup({ respectGpc: true }).client.getConsent()).toBe('granted');
    vi.stubGlobal('navigator', { globalPrivacyControl: true });
    expect(setup().client.getConsent()).toBe('granted');
    const storage = memoryKeyValue();
    storage.set(CONSENT_KEY, 'granted');
    expect(setup({ respectGpc: true, storage }).client.getConsent()).toBe('granted');
  });

  it('refuses a wrong value at set-up', () => {
    expect(() => setup({ respectGpc: 'yes' as unknown as true })).toThrowError(/respectGpc takes true, false or 'pending'/);
  });
});

describe("persistence: 'memory' (cookieless)", () => {
  /** Globals that record every read of the browser's storage. */
  function watchStorage(): string[] {
    const reads: string[] = [];
    const probe = { setItem: () => reads.push('localStorage.setItem'), getItem: () => null, removeItem() {}, key: () => null, length: 0 };
    for (const [name, value] of [['localStorage', probe], ['indexedDB', undefined]] as const) {
      Object.defineProperty(globalThis, name, {
        configurable: true,
        get: () => (reads.push(name), value),
      });
    }
    return reads;
  }
  afterEach(() => {
    delete (globalThis as { localStorage?: unknown }).localStorage;
    delete (globalThis as { indexedDB?: unknown }).indexedDB;
  });

  const options = (extra: Partial<TidemarkOptions> = {}): TidemarkOptions => ({ writeKey: 'wk_test', transport: scriptedTransport(), clock: manualClock(), ...extra });

  it('never touches localStorage or IndexedDB, and still delivers', async () => {
    const reads = watchStorage();
    const transport = scriptedTransport();
    const client = createTidemark(options({ transport, persistence: 'memory' }));
    client.track('Viewed');
    await client.flush();
    expect(names(transport.delivered)).toEqual(['session_start', 'Viewed']);
    expect(client.getAnonymousId()).toMatch(/^[A-Za-z0-9_-]{21}$/);
    expect(reads).toEqual([]);
  });

  it('is what keeps them out: the default reads both', () => {
    const reads = watchStorage();
    createTidemark(options());
    expect(reads).toEqual(expect.arrayContaining(['localStorage', 'indexedDB']));
  });

  it('refuses cookies or a service worker beside it, and unknown values', () => {
    const message = /persistence 'browser' or 'memory' \(which keeps nothing: no cookie, no serviceWorker\)/;
    expect(() => createTidemark(options({ persistence: 'memory', cookie: true }))).toThrowError(message);
    expect(() => createTidemark(options({ persistence: 'memory', serviceWorker: '/tidemark-sw.js' }))).toThrowError(message);
    expect(() => createTidemark(options({ persistence: 'cookie' as 'memory' }))).toThrowError(message);
    expect(createTidemark(options({ persistence: 'browser', cookie: true })).getConsent()).toBe('granted');
  });
});

describe('cookies and consent', () => {
  /** A browser page as far as the client looks: a window, a document whose cookie writes are recorded. */
  function fakePage(): string[] {
    const writes: string[] = [];
    const target = { addEventListener() {}, removeEventListener() {} };
    const document = { ...target, title: 'Shop', referrer: '', visibilityState: 'visible', get cookie() { return ''; }, set cookie(value: string) { writes.push(value); } };
    const location = { href: 'https://www.shop.test/', pathname: '/', search: '', protocol: 'https:' };
    vi.stubGlobal('document', document);
    vi.stubGlobal('location', location);
    vi.stubGlobal('window', { ...target, document, location, navigator: {} });
    return writes;
  }

  it('writes no cookie until consent is granted, then the visitor’s', () => {
    const writes = fakePage();
    const { client } = setup({ consent: 'pending', cookie: { domain: 'shop.test' } });
    client.track('Viewed');
    expect(writes).toEqual([]);
    client.setConsent('granted');
    expect(writes).toEqual([`tm_aid=${client.getAnonymousId()}; Path=/; Max-Age=34560000; SameSite=Lax; Domain=shop.test; Secure`]);
  });

  it('writes both cookies at once with consent granted, and none under GPC', () => {
    const writes = fakePage();
    setup({ cookie: true });
    expect(writes.map((w) => w.split('=')[0])).toEqual(['tm_aid', 'tm_sid']);
    writes.length = 0;
    vi.stubGlobal('navigator', { globalPrivacyControl: true });
    setup({ cookie: true, respectGpc: true });
    expect(writes).toEqual([]);
  });
});
