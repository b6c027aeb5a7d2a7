// Hostile calls queued by the loader snippet before the bundle arrives: replayed in order,
// each bad one reported and dropped alone, every good one stored once by the reference
// collector, and nothing thrown into the page.
import { test, expect, watchPage, snippetSource, type CdnSite, WRITE_KEY } from './support/cdn-fixture.js';
import { loadCollector, removeTempDirs, tempDir } from './support/collector-process.js';
import type { RunningCollector } from '@tidemark/collector';

let collector: RunningCollector;
test.beforeEach(async () => {
  const { startCollector } = await loadCollector();
  collector = await startCollector({ port: 0, dbPath: `${tempDir()}/events.db`, writeKeys: [WRITE_KEY], readKeys: ['rk_snippet'] });
});
test.afterEach(async () => {
  await collector.close();
  removeTempDirs();
});

const page = (site: CdnSite, host: string) => `<!doctype html><html><head><meta charset="utf-8"><title>Snippet</title>
<script data-src="/sdk/tidemark.min.js" data-write-key="${WRITE_KEY}" data-host="${host}">${snippetSource()}</script>
</head><body></body></html>`;

/** Names of the events the collector stored. */
async function storedNames(): Promise<string[]> {
  const res = await fetch(`${collector.url}/v1/export/events?pageSize=1000`, { headers: { authorization: 'Bearer rk_snippet' } });
  return ((await res.json()) as { items: Array<{ name: string }> }).items.map((e) => e.name);
}

test('hostile calls queued before the bundle lose only themselves', async ({ page: tab, site }) => {
  const watched = watchPage(tab);
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  await tab.route('**/sdk/tidemark.min.js', async (route) => {
    await released;
    await route.continue();
  });
  await tab.goto(site.file('/hostile-snippet.html', page(site, collector.url)), { waitUntil: 'domcontentloaded' });
  await tab.evaluate(() => {
    const t = window.tidemark as unknown as Record<'track' | 'identify' | 'page' | 'group' | 'alias' | 'setConsent' | 'flush', (...args: unknown[]) => void>;
    const { proxy, revoke } = Proxy.revocable({}, {});
    revoke();
    const trap = new Proxy({}, { getPrototypeOf() { throw new Error('trap'); } });
    const bad: Array<() => void> = [
      () => t.track('bad-revoked', proxy),
      () => t.track('bad-trap', { p: trap }),
      () => t.identify(`eyJ${'a'.repeat(800)}`),
      () => t.page(42),
      () => t.setConsent('bogus'),
      () => t.track(),
      () => t.group(''),
      () => t.alias('x'.repeat(300)),
      () => t.identify('user_1', { big: 10n }),
    ];
    bad.forEach((call, i) => {
      t.track(`good-${i}`);
      call();
    });
    t.track(`good-${bad.length}`);
    t.flush();
  });
  release();
  await expect.poll(async () => (await storedNames()).filter((n) => n.startsWith('good-')).length, { timeout: 15_000 }).toBe(10);
  const names = await storedNames();
  console.log(`snippet corpus: 9 hostile calls queued, ${names.filter((n) => n.startsWith('good-')).length}/10 good events stored, ${collector.stats().duplicates} copies; warnings: ${watched.warnings.length}`);
  expect(new Set(names.filter((n) => n.startsWith('good-'))).size).toBe(10);
  expect(names).toEqual(expect.arrayContaining(['bad-revoked', 'bad-trap']));
  expect(collector.stats().duplicates).toBe(0);
  expect(watched.pageErrors).toEqual([]);
});
