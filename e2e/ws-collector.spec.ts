// The transport's browser bundle in real Chromium streaming into the reference collector
// (SQLite in a temp dir) over its WebSocket route. The page itself comes from the scripted
// server, which serves the bundle.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { startCollector } from '@tidemark/collector';
import type { RunningCollector } from '@tidemark/collector';
import { startWsCollector, type WsCollector } from '@tidemark/test-kit';
import type {} from './support/ws-page-globals.js';

let pageServer: WsCollector;
let collector: RunningCollector;
let dir: string;
test.beforeEach(async ({ page }) => {
  dir = await mkdtemp(join(tmpdir(), 'tidemark-ws-e2e-'));
  collector = await startCollector({ port: 0, dbPath: join(dir, 'events.db'), writeKeys: ['wk_e2e'], readKeys: ['rk_e2e'], appIds: ['app-e2e'] });
  pageServer = await startWsCollector();
  await page.goto(pageServer.httpUrl);
  await expect.poll(() => page.evaluate(() => typeof window.TidemarkWS?.wsTransport)).toBe('function');
});
test.afterEach(async () => {
  await pageServer.close();
  await collector.close();
  await rm(dir, { recursive: true, force: true });
});

test('streams 10,000 events into the collector with none lost, stored once when sent again', async ({ page }) => {
  const outcome = await page.evaluate(async (url) => {
    const transport = window.TidemarkWS.wsTransport({ url, appId: 'app-e2e', ackTimeoutMs: 20_000 });
    const events = window.helpers.makeEvents(10_000, 'collector');
    const first = await transport.send(events, { writeKey: '' });
    const again = await transport.send(events.slice(0, 500), { writeKey: '' });
    await transport.close();
    return { first: new Set(first.delivered).size, again: again.delivered.length, error: first.error?.code };
  }, collector.url.replace(/^http/, 'ws'));

  expect(outcome).toEqual({ first: 10_000, again: 500, error: undefined });
  expect(collector.stats()).toMatchObject({ stored: 10_000, duplicates: 500 });
});
