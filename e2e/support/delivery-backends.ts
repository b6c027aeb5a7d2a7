// The backends of the delivery scenarios (the reference collector with receipts, a recording
// server without), and the site those scenarios load, served from a route on the backend's
// origin so pages load and reload while the network is offline.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { BrowserContext } from '@playwright/test';
import type { RunningCollector } from '@tidemark/collector';
import { loadCollector, removeTempDirs, tempDir } from './collector-process.js';
import { startFakeCollector } from '@tidemark/test-kit';

const harness = (file: string) => readFileSync(fileURLToPath(new URL(`../harness/${file}`, import.meta.url)), 'utf8');

/** Where events go, and how many arrived and how many were copies. */
export interface Backend {
  origin: string;
  /** Events stored once each, by name. */
  names(): Promise<string[]>;
  /** Events that reached it again after being stored. */
  copies(): number;
  /** Answer the batch route with 500 (true) or normally, for the pages of `context`. */
  fail(on: boolean, context: BrowserContext): Promise<void>;
  close(): Promise<void>;
}

export async function referenceCollector(): Promise<Backend> {
  const { startCollector } = await loadCollector();
  const collector: RunningCollector = await startCollector({ port: 0, dbPath: `${tempDir()}/events.db`, writeKeys: ['wk_test'], readKeys: ['rk_copies'], rateLimit: false });
  return {
    origin: collector.url,
    async names() {
      const out: string[] = [];
      let cursor = '';
      for (let i = 0; i < 50; i++) {
        const res = await fetch(`${collector.url}/v1/export/events?pageSize=1000${cursor && `&cursor=${cursor}`}`, { headers: { authorization: 'Bearer rk_copies' } });
        const body = (await res.json()) as { items: Array<{ name: string }>; nextCursor: string };
        if (!body.items.length) break;
        out.push(...body.items.map((e) => e.name));
        cursor = body.nextCursor;
      }
      return out;
    },
    copies: () => collector.stats().duplicates,
    // The reference collector never fails on purpose: the browser answers the 500s. Recovery
    // removes the route, so no request is proxied (a slow proxy is a real network, not a test).
    async fail(on, context) {
      if (on) await context.route(`${collector.url}/v1/batch`, (route) => route.fulfill({ status: 500, body: '{}' }));
      else await context.unroute(`${collector.url}/v1/batch`);
    },
    close: async () => {
      await collector.close();
      removeTempDirs();
    },
  };
}

export async function recordingServer(): Promise<Backend> {
  const server = await startFakeCollector({ writeKey: 'wk_test' });
  return {
    origin: server.url,
    names: async () => server.events.map((e) => e.event ?? e.type),
    copies: () => server.duplicates,
    fail: async (on) => server.failWith(on ? 500 : undefined),
    close: () => server.close(),
  };
}

/** Serve the site (the harness page, a page without the SDK, the bundle) from a route on the backend's origin. */
export async function serveSite(context: BrowserContext, backend: Backend): Promise<void> {
  const files: Record<string, [string, string]> = {
    '/shop/page.html': [harness('page.html').replace('src="/harness.js"', 'src="/shop/harness.js"'), 'text/html'],
    '/shop/other.html': [harness('other.html'), 'text/html'],
    '/shop/harness.js': [harness('dist/harness.js'), 'text/javascript'],
    '/shop/tidemark-sw.js': [readFileSync(fileURLToPath(new URL('../../packages/cdn/dist/tidemark-sw.js', import.meta.url)), 'utf8'), 'text/javascript'],
  };
  await context.route(`${backend.origin}/shop/**`, (route) => {
    const file = files[new URL(route.request().url()).pathname];
    return file ? route.fulfill({ status: 200, contentType: file[1], body: file[0] }) : route.fulfill({ status: 404 });
  });
}
