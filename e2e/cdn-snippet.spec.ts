// The loader snippet: calls made before the bundle arrives are queued with their time and
// replayed in order with their original timestamps; a bundle that never arrives (blocked by
// an ad blocker, or missing) leaves the page working and error-free.
import { readFileSync } from 'node:fs';
import { test, expect, waitForEvents, watchPage, stored, named, snippetSource, type CdnSite, WRITE_KEY } from './support/cdn-fixture.js';

/** A page with the inline snippet (configured by its tag's data attributes) and `body`. */
function snippetPage(site: CdnSite, src = '/sdk/tidemark.min.js', body = ''): string {
  return `<!doctype html><html><head><meta charset="utf-8"><title>Snippet</title>
<script data-src="${src}" data-write-key="${WRITE_KEY}" data-host="${site.origin}">${snippetSource()}</script>
</head><body>${body}</body></html>`;
}

interface Mark {
  name: string;
  before: number;
  after: number;
}

test('calls made before the bundle loads arrive in order with their original timestamps', async ({ page, site }) => {
  const watched = watchPage(page);
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  // Hold the bundle back until the page has made its calls, as a slow CDN would.
  await page.route('**/sdk/tidemark.min.js', async (route) => {
    await released;
    await route.continue();
  });
  // An async script holds the load event, so wait for the parsed document only.
  await page.goto(site.file('/snippet.html', snippetPage(site)), { waitUntil: 'domcontentloaded' });

  const marks = await page.evaluate(async () => {
    const w = window as unknown as { held: unknown; flushed: Promise<unknown>; readyAt: number };
    w.held = window.tidemark;
    const marks: Mark[] = [];
    const call = (name: string, fn: () => void) => {
      const before = Date.now();
      fn();
      marks.push({ name, before, after: Date.now() });
    };
    for (let i = 0; i < 5; i++) {
      call(`early-${i}`, () => window.tidemark.track(`early-${i}`, { i }));
      await new Promise((r) => setTimeout(r, 15));
      if (i === 2) call('identify', () => window.tidemark.identify('user-7', { plan: 'pro' }));
    }
    call('page', () => window.tidemark.page('Home'));
    w.flushed = window.tidemark.flush();
    window.tidemark.ready(() => (w.readyAt = Date.now()));
    return marks;
  });
  await page.waitForTimeout(300);
  expect(await page.evaluate(() => window.tidemark.version)).toBeUndefined();
  expect(site.server.requests).toHaveLength(0);

  release();
  const flushed = await page.evaluate(() => (window as unknown as { flushed: Promise<{ delivered: number }> }).flushed);
  expect(flushed.delivered).toBeGreaterThanOrEqual(8);
  const readyAt = await page.evaluate(() => (window as unknown as { readyAt: number }).readyAt);

  const events = stored(site);
  const order = events.map((e) => e.event ?? e.type);
  expect(order).toEqual(['session_start', 'early-0', 'early-1', 'early-2', 'identify', 'early-3', 'early-4', 'page']);
  const byName = new Map(events.map((e) => [e.event ?? e.type, e]));
  for (const mark of marks) {
    const ts = Date.parse(byName.get(mark.name)!.timestamp);
    expect(ts, mark.name).toBeGreaterThanOrEqual(mark.before);
    expect(ts, mark.name).toBeLessThanOrEqual(mark.after);
    expect(ts, mark.name).toBeLessThan(readyAt - 250);
  }
  // The session started with the page's first call, not when the bundle arrived.
  expect(byName.get('session_start')!.timestamp).toBe(byName.get('early-0')!.timestamp);
  expect(byName.get('early-4')!.context.sessionId).toBe(Date.parse(byName.get('early-0')!.timestamp));
  expect(byName.get('early-4')!.userId).toBe('user-7');
  expect(byName.get('early-0')!.userId).toBeUndefined();
  expect(byName.get('page')).toMatchObject({ name: 'Home', properties: { path: '/snippet.html' } });

  // Code that kept the stub keeps working: the bundle took over the same object.
  const same = await page.evaluate(async () => {
    const held = (window as unknown as { held: typeof window.tidemark }).held;
    held.track('late');
    await held.flush();
    return held === window.tidemark && typeof held.getAnonymousId() === 'string';
  });
  expect(same).toBe(true);
  await waitForEvents(site, named('late'), 1);
  expect(watched.pageErrors).toEqual([]);
  expect(watched.warnings).toEqual([]);
});

for (const how of ['blocked by the client', 'missing (404)'] as const) {
  test(`a bundle URL ${how} leaves the page working without errors`, async ({ page, site }) => {
    const watched = watchPage(page);
    if (how === 'blocked by the client') await page.route('**/sdk/tidemark.min.js', (route) => route.abort('blockedbyclient'));
    const src = how === 'missing (404)' ? '/sdk/missing.min.js' : '/sdk/tidemark.min.js';
    const app = `<script src="/app.js"></script>`;
    // The page's own script uses every method, as an app would, then carries on.
    site.file(
      '/app.js',
      `tidemark.track('Viewed', { a: 1 }); tidemark.identify('u1'); tidemark.page();
       tidemark.ready(function () { window.readyRan = true; });
       window.headers = tidemark.attributionHeaders(); window.anon = tidemark.getAnonymousId();
       window.flushPromise = tidemark.flush() instanceof Promise;
       for (var i = 0; i < 1500; i++) tidemark.track('Busy', { i: i });
       window.queued = tidemark.q.length;
       window.appDone = true;`,
    );
    const bundleRequest = page.waitForEvent('requestfailed', { predicate: (r) => r.url().includes(src), timeout: 5_000 }).catch(() => undefined);
    const response = how === 'missing (404)' ? page.waitForResponse((r) => r.url().includes(src)) : undefined;
    await page.goto(site.file('/blocked.html', snippetPage(site, src, app)));
    if (response) expect((await response).status()).toBe(404);
    else expect(await bundleRequest).toBeDefined();
    await page.waitForTimeout(300);
    const state = await page.evaluate(() => {
      const w = window as unknown as Record<string, unknown>;
      return { appDone: w.appDone, headers: w.headers, anon: w.anon, flushPromise: w.flushPromise, readyRan: w.readyRan ?? false, queued: w.queued };
    });
    // The stub's queue is bounded: a page whose bundle never comes does not grow without end.
    expect(state).toEqual({ appDone: true, headers: {}, anon: undefined, flushPromise: true, readyRan: false, queued: 1000 });
    expect(watched.pageErrors).toEqual([]);
    expect(site.server.requests).toHaveLength(0);
  });
}

test('docs/script-tag.md (and the README, where it quotes it) show the snippet exactly as built', () => {
  const snippet = snippetSource();
  expect(Buffer.byteLength(snippet)).toBeLessThan(1024);
  const doc = readFileSync(new URL('../docs/script-tag.md', import.meta.url), 'utf8');
  expect(doc, 'paste packages/cdn/dist/snippet.min.js (without its source-map comment) into docs/script-tag.md').toContain(snippet);
  // Any other copy of the stub (recognised by its opening) must be the current one too.
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  if (readme.includes(snippet.slice(0, 40))) expect(readme, 'update the snippet quoted in README.md').toContain(snippet);
});
