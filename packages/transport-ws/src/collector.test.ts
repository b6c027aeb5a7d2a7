// Against the reference collector (@tidemark/collector, SQLite in a temp dir): the real
// WebSocket route, acks after commit, dedupe, rejections and the 4001 refusal.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startCollector } from '@tidemark/collector';
import type { TidemarkEvent } from '@tidemark/core';
import { afterTest, helpers, transport } from './test-support/ws-fixture.js';

async function collector() {
  const dir = await mkdtemp(join(tmpdir(), 'tidemark-ws-'));
  const running = await startCollector({ port: 0, dbPath: join(dir, 'events.db'), writeKeys: ['wk_test'], readKeys: ['rk_test'], appIds: ['app-test'] });
  afterTest(async () => {
    await running.close();
    await rm(dir, { recursive: true, force: true });
  });
  const stats = async () => {
    const response = await fetch(`${running.url}/v1/stats`, { headers: { authorization: 'Bearer rk_test' } });
    return (await response.json()) as { stored: number; duplicates: number; rejected: number };
  };
  return { ...running, wsUrl: running.url.replace(/^http/, 'ws'), stats };
}

describe('wsTransport against the reference collector', () => {
  it('streams 10,000 events with none lost, stored once even when sent again', async () => {
    const server = await collector();
    const ws = transport({ url: server.wsUrl, appId: 'app-test', ackTimeoutMs: 15_000 });
    const events = helpers.makeEvents(10_000, 'collector');

    const first = await ws.send(events, { writeKey: '' });
    // Acks lost in flight would make the core send these again: the collector keeps one copy.
    const again = await ws.send(events.slice(0, 1_000), { writeKey: '' });

    expect(first.delivered).toHaveLength(10_000);
    expect(new Set(first.delivered)).toEqual(new Set(events.map((e) => e.messageId)));
    expect(again.delivered).toHaveLength(1_000);
    expect(await server.stats()).toMatchObject({ stored: 10_000, duplicates: 1_000 });
  });

  it('authenticates with the write key in the query', async () => {
    const server = await collector();
    const ws = transport({ url: server.wsUrl, appId: 'site', writeKey: 'wk_test' });

    const result = await ws.send(helpers.makeEvents(3, 'query-key'), { writeKey: '' });

    expect(result.delivered).toHaveLength(3);
    expect((await server.stats()).stored).toBe(3);
  });

  it('lets an event the collector rejects leave with its reason, and delivers the rest', async () => {
    const server = await collector();
    const ws = transport({ url: server.wsUrl, appId: 'app-test' });
    const [good, bad] = helpers.makeEvents(2, 'invalid');
    const invalid = { ...bad!, type: 'bogus' } as unknown as TidemarkEvent;

    const result = await ws.send([good!, invalid], { writeKey: '' });

    expect(result.delivered).toEqual([good!.messageId]);
    expect(result.rejected).toHaveLength(1);
    expect(result.rejected[0]!.messageId).toBe(bad!.messageId);
    expect(result.rejected[0]!.reason).toMatch(/type/);
    expect(await server.stats()).toMatchObject({ stored: 1, rejected: 1 });
  });

  it('stops with unauthorized when the collector closes with 4001', async () => {
    const server = await collector();
    const ws = transport({ url: server.wsUrl, appId: 'not-configured' });

    const result = await ws.send(helpers.makeEvents(2, 'refused'), { writeKey: 'wk_wrong' });

    expect(result.stop).toBe(true);
    expect(result.error?.code).toBe('unauthorized');
    expect(ws.errors.map((e) => e.code)).toEqual(['unauthorized']);
    expect((await server.stats()).stored).toBe(0);
  });

  it('is understood in Nucleus field names', async () => {
    const server = await collector();
    const ws = transport({ url: server.wsUrl, appId: 'app-test', nucleus: true });
    const events = helpers.makeEvents(5, 'nucleus');

    const result = await ws.send(events, { writeKey: '' });

    expect(new Set(result.delivered)).toEqual(new Set(events.map((e) => e.messageId)));
    expect((await server.stats()).stored).toBe(5);
  });
});
