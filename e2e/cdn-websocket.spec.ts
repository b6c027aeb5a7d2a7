// The WebSocket transport is a separate script (tidemark-ws.min.js of @tidemark/cdn):
// a page that wants it loads it beside the HTTP-only bundle and passes its transport to
// init(); events then stream to the reference collector over the socket, not over HTTP.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TidemarkEvent } from '@tidemark/core';
import { test, expect, watchPage, WRITE_KEY } from './support/cdn-fixture.js';

const wsBundle = fileURLToPath(new URL('../packages/cdn/dist/tidemark-ws.min.js', import.meta.url));
const collectorDist = fileURLToPath(new URL('../packages/collector/dist/index.mjs', import.meta.url));

interface Collector {
  url: string;
  close(): Promise<void>;
}

test('tidemark-ws.min.js plugs into init() as the transport and events arrive over the socket', async ({ page, site }) => {
  const dir = mkdtempSync(join(tmpdir(), 'tm-cdn-ws-'));
  const { startCollector } = (await import(collectorDist)) as { startCollector: (o: object) => Promise<Collector> };
  const collector = await startCollector({ port: 0, dbPath: join(dir, 'ws.db'), writeKeys: [WRITE_KEY], readKeys: ['rk_test'], logger: { info() {}, warn() {}, error() {} } });
  try {
    const watched = watchPage(page);
    site.server.serve('/sdk/tidemark-ws.min.js', wsBundle);
    site.file(
      '/ws-init.js',
      `tidemark.init({ writeKey: '${WRITE_KEY}', transport: TidemarkWS.wsTransport({ url: '${collector.url}', appId: '${WRITE_KEY}' }) });
       tidemark.track('over-ws', { n: 1 });`,
    );
    await page.goto(site.file('/ws.html', '<!doctype html><title>WS</title><script src="/sdk/tidemark.min.js"></script><script src="/sdk/tidemark-ws.min.js"></script><script src="/ws-init.js"></script>'));
    const result = await page.evaluate(() => window.tidemark.flush());
    expect(result).toMatchObject({ delivered: 2, rejected: 0 });

    const res = await fetch(`${collector.url}/v1/export/events?pageSize=100`, { headers: { Authorization: 'Bearer rk_test' } });
    const events = ((await res.json()) as { items: Array<{ event: TidemarkEvent }> }).items.map((i) => i.event);
    expect(events.map((e) => e.event)).toEqual(['session_start', 'over-ws']);
    expect(events[1]!.context.library).toMatchObject({ name: 'tidemark.js' });
    // Nothing went over HTTP: the recording server, the only HTTP collector the page could reach, saw no batch.
    expect(site.server.requests).toHaveLength(0);
    expect(watched.pageErrors).toEqual([]);
  } finally {
    await collector.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
