// Fixture for the script-tag tests: the lead's recording server (a real collector stand-in)
// serves the built bundle and snippet under /sdk/ and test pages written to a temp dir, so the
// page, the bundle and the collector share one origin.
import { test as base, expect, type Page } from '@playwright/test';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TidemarkEvent } from '@tidemark/core';
import type { TidemarkGlobal } from '@tidemark/cdn';
import { startFakeCollector, type FakeCollector } from '@tidemark/test-kit';

/** The cdn package's build output. */
export const CDN_DIST = fileURLToPath(new URL('../../packages/cdn/dist/', import.meta.url));
/** The write key the recording server accepts. */
export const WRITE_KEY = 'wk_test';

/** The loader snippet as a page pastes it: the built file without its source-map comment. */
export function snippetSource(): string {
  return readFileSync(`${CDN_DIST}snippet.min.js`, 'utf8').replace(/\/\/# sourceMappingURL=\S+\s*$/, '').trim();
}

/** A recording server that also serves the bundle and the pages a test writes. */
export interface CdnSite {
  server: FakeCollector;
  /** Origin of the site and collector, e.g. `http://127.0.0.1:1234`. */
  origin: string;
  /**
   * Serve a file (HTML or JS, by its extension) at `path`.
   *
   * @returns the absolute URL
   */
  file(path: string, text: string): string;
}

/** The events the server stored, in arrival order, optionally only those of `type`. */
export function stored(site: CdnSite, type?: TidemarkEvent['type']): TidemarkEvent[] {
  return site.server.events.filter((e) => !type || e.type === type);
}

/** Wait until the server stored `count` events that pass `filter`; returns them. */
export async function waitForEvents(site: CdnSite, filter: (e: TidemarkEvent) => boolean, count: number, timeout = 10_000): Promise<TidemarkEvent[]> {
  await expect.poll(() => site.server.events.filter(filter).length, { timeout, intervals: [50] }).toBeGreaterThanOrEqual(count);
  return site.server.events.filter(filter);
}

/** `track` events named `name`. */
export const named = (name: string) => (e: TidemarkEvent) => e.event === name;

/** Collect the page's uncaught errors and Tidemark's console warnings. */
export function watchPage(page: Page): { pageErrors: string[]; warnings: string[] } {
  const watched = { pageErrors: [] as string[], warnings: [] as string[] };
  page.on('pageerror', (err) => watched.pageErrors.push(err.message));
  page.on('console', (msg) => {
    if (msg.text().startsWith('[tidemark]')) watched.warnings.push(msg.text());
  });
  return watched;
}

/** A page whose only script is the bundle's tag with data attributes. */
export function tagPage(site: CdnSite, attrs: Record<string, string> = {}, body = ''): string {
  const data = Object.entries({ 'data-write-key': WRITE_KEY, 'data-host': site.origin, ...attrs })
    .map(([k, v]) => `${k}="${v}"`)
    .join(' ');
  return `<!doctype html><html><head><meta charset="utf-8"><title>Tag only</title>
<script async src="/sdk/tidemark.min.js" ${data}></script></head><body>${body}</body></html>`;
}

export const test = base.extend<{ site: CdnSite }>({
  site: async ({}, use) => {
    const server = await startFakeCollector({ writeKey: WRITE_KEY });
    const dir = mkdtempSync(join(tmpdir(), 'tm-cdn-e2e-'));
    for (const name of ['tidemark.min.js', 'tidemark.min.js.map', 'snippet.min.js', 'snippet.min.js.map']) server.serve(`/sdk/${name}`, `${CDN_DIST}${name}`);
    let n = 0;
    const site: CdnSite = {
      server,
      origin: server.url,
      file(path, text) {
        const file = join(dir, `${n++}-${path.split('/').pop()}`);
        writeFileSync(file, text);
        server.serve(path, file);
        return `${server.url}${path}`;
      },
    };
    await use(site);
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  },
});

export { expect };

declare global {
  interface Window {
    tidemark: TidemarkGlobal;
  }
}
