// Subresource Integrity: the build publishes the sha384 of each script-tag file in
// packages/cdn/dist/integrity.json; Chromium runs the bundle under that hash (directly and
// through the snippet's data-integrity) and refuses it under any other.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { test, expect, waitForEvents, watchPage, named, snippetSource, CDN_DIST, WRITE_KEY } from './support/cdn-fixture.js';

function manifest(): Record<string, string> {
  const file = `${CDN_DIST}integrity.json`;
  // Written by packages/cdn/scripts/integrity.mjs, which the root build runs after rollup.
  expect(existsSync(file), `${file} is missing: run node packages/cdn/scripts/integrity.mjs after the build`).toBe(true);
  return JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>;
}

test('integrity.json holds the sha384 of each file as served', () => {
  const hashes = manifest();
  expect(Object.keys(hashes).sort()).toEqual(['snippet.min.js', 'tidemark-ws.min.js', 'tidemark.min.js']);
  for (const [file, hash] of Object.entries(hashes)) {
    expect(hash).toBe(`sha384-${createHash('sha384').update(readFileSync(`${CDN_DIST}${file}`)).digest('base64')}`);
  }
});

test('the bundle runs under its published hash, through the tag and the snippet, and is refused under another', async ({ page, site }) => {
  const watched = watchPage(page);
  const hash = manifest()['tidemark.min.js']!;
  const tag = (integrity: string, name: string) =>
    site.file(
      `/${name}.html`,
      `<!doctype html><title>SRI</title><script src="/sdk/tidemark.min.js" integrity="${integrity}" crossorigin="anonymous"
        data-write-key="${WRITE_KEY}" data-host="${site.origin}"></script><script src="/sri-app.js"></script>`,
    );
  site.file('/sri-app.js', `window.loaded = typeof tidemark !== 'undefined' && !!tidemark.client; if (window.loaded) tidemark.track('sri-ok');`);

  await page.goto(tag(hash, 'good'));
  expect(await page.evaluate(() => (window as unknown as { loaded: boolean }).loaded)).toBe(true);
  await page.evaluate(() => window.tidemark.flush());
  await waitForEvents(site, named('sri-ok'), 1);

  const wrong = `sha384-${createHash('sha384').update('something else').digest('base64')}`;
  await page.goto(tag(wrong, 'bad'));
  expect(await page.evaluate(() => (window as unknown as { loaded: boolean }).loaded)).toBe(false);

  const snippetPage = `<!doctype html><title>SRI snippet</title>
<script data-src="/sdk/tidemark.min.js" data-integrity="${hash}" data-write-key="${WRITE_KEY}" data-host="${site.origin}">${snippetSource()}</script>`;
  await page.goto(site.file('/snippet-sri.html', snippetPage));
  await page.waitForFunction(() => window.tidemark?.client !== undefined);
  expect(watched.pageErrors).toEqual([]);
});
