// The script tag alone, configured by data attributes: events arrive with the browser
// context, the bundle leaves the DOM as the page wrote it, and a second copy changes nothing.
import { readFileSync } from 'node:fs';
import { test, expect, tagPage, waitForEvents, watchPage, stored, named, CDN_DIST, WRITE_KEY } from './support/cdn-fixture.js';

// A zone other than the machine's UTC, with an alias (Chromium names Kolkata Calcutta): the
// context's zone must be the one `Intl` names, whichever API the bundle asks.
test.use({ timezoneId: 'Asia/Kolkata' });

test('a page with only the tag and data attributes delivers a page view with the browser context', async ({ page, site }) => {
  const watched = watchPage(page);
  const url = site.file('/tag.html', tagPage(site, { 'data-auto-page': 'true' }, '<h1>Hello</h1>'));
  await page.goto(`${url}?q=1`, { referer: 'https://search.example/results' });
  // No code but the tag: the flush timer delivers the session start and the automatic page view.
  const [view] = await waitForEvents(site, (e) => e.type === 'page', 1);
  expect(view!.properties).toMatchObject({ path: '/tag.html', search: '?q=1', title: 'Tag only' });
  const ctx = view!.context;
  expect(ctx.library).toEqual({ name: 'tidemark.js', version: expect.stringMatching(/^\d+\.\d+\.\d+/) });
  expect(ctx.page).toEqual({ url: `${url}?q=1`, path: '/tag.html', search: '?q=1', title: 'Tag only', referrer: 'https://search.example/results' });
  expect(ctx.userAgent).toBe(await page.evaluate(() => navigator.userAgent));
  expect(ctx.locale).toBe(await page.evaluate(() => navigator.language));
  expect(ctx.timezone).toBe(await page.evaluate(() => Intl.DateTimeFormat().resolvedOptions().timeZone));
  expect(ctx.timezone).toMatch(/^Asia\/(Kolkata|Calcutta)$/);
  expect(ctx.screen).toEqual(await page.evaluate(() => ({ width: screen.width, height: screen.height, density: devicePixelRatio })));
  expect(ctx.sessionId).toBe(await page.evaluate(() => window.tidemark.getSessionId()));
  // The session's referrer and landing page are attribution, kept for the whole session.
  expect(ctx.referrer).toBe('https://search.example/results');
  expect(ctx.landingPage).toBe(`${url}?q=1`);
  expect(stored(site).map((e) => e.event ?? e.type)).toEqual(['session_start', 'page']);
  expect(site.server.requests[0]!.authorization).toBe(`Basic ${Buffer.from(`${WRITE_KEY}:`).toString('base64')}`);

  // Later calls go straight to the client, and flush() hands back the client's result.
  const result = await page.evaluate(async () => {
    window.tidemark.track('Clicked', { button: 'buy' });
    return window.tidemark.flush();
  });
  expect(result).toMatchObject({ delivered: 1, rejected: 0 });
  expect(stored(site).filter(named('Clicked'))[0]!.anonymousId).toBe(view!.anonymousId);
  expect(watched.pageErrors).toEqual([]);
  expect(watched.warnings).toEqual([]);
});

test('the bundle never writes to the DOM or cookies, and a second copy of it is inert', async ({ page, site }) => {
  const watched = watchPage(page);
  const html = tagPage(site, {}, '<p id="content">Text</p><script async src="/sdk/tidemark.min.js"></script>');
  const url = site.file('/twice.html', html);
  await page.goto(url);
  await page.waitForFunction(() => window.tidemark?.client !== undefined);
  await page.evaluate(async () => {
    window.tidemark.track('Once');
    await window.tidemark.flush();
  });
  // Compare the live DOM with a fresh, script-free parse of the same HTML.
  const same = await page.evaluate(async (source) => {
    const parsed = new DOMParser().parseFromString(source, 'text/html');
    return parsed.documentElement.outerHTML === document.documentElement.outerHTML;
  }, html);
  expect(same).toBe(true);
  expect(await page.evaluate(() => document.cookie)).toBe('');
  await page.evaluate(() => window.tidemark.flush());
  expect(stored(site).filter(named('session_start'))).toHaveLength(1);
  expect(stored(site).filter(named('Once'))).toHaveLength(1);
  expect(watched.pageErrors).toEqual([]);
});

test('a tag without a host warns with the fix instead of throwing into the page', async ({ page, site }) => {
  const watched = watchPage(page);
  const html = `<!doctype html><title>No host</title><script src="/sdk/tidemark.min.js" data-write-key="${WRITE_KEY}"></script>
<script src="/after.js"></script>`;
  site.file('/after.js', 'window.after = typeof window.tidemark.track;');
  await page.goto(site.file('/nohost.html', html));
  expect(await page.evaluate(() => (window as unknown as { after: string }).after)).toBe('function');
  expect(watched.pageErrors).toEqual([]);
  expect(watched.warnings.join('\n')).toMatch(/host is required \(pass \{ host: 'https:\/\/collector.example' \}, or data-host/);
  // Set-up misuse in code throws at once, with the code to branch on.
  const thrown = await page.evaluate(() => {
    try {
      window.tidemark.init({ writeKey: 'wk_test' });
      return null;
    } catch (err) {
      return { name: (err as Error).name, code: (err as { code?: string }).code };
    }
  });
  expect(thrown).toEqual({ name: 'TidemarkError', code: 'invalid_option' });
});

test('the published bundle is HTTP-only, has no eval or new Function, and ships its source map', () => {
  const bundle = readFileSync(`${CDN_DIST}tidemark.min.js`, 'utf8');
  expect(bundle).not.toMatch(/\beval\s*\(|new Function\s*\(|\bFunction\s*\(\s*["'`]/);
  expect(bundle).toMatch(/\/\/# sourceMappingURL=tidemark\.min\.js\.map\s*$/);
  const map = JSON.parse(readFileSync(`${CDN_DIST}tidemark.min.js.map`, 'utf8')) as { sources: string[] };
  expect(map.sources).toEqual(expect.arrayContaining(['../src/tidemark.ts', '../../core/src/client.ts', '../../transport-http/src/http-transport.ts']));
  // The WebSocket transport lives in its own bundle (tidemark-ws.min.js): HTTP-only pages never pay for it.
  expect(map.sources.filter((s) => /transport-ws|partysocket/.test(s))).toEqual([]);
});
