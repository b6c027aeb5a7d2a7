import { describe, expect, it } from 'vitest';
import { closedPort } from '@tidemark/test-kit';
import { helpers, server, transport, until } from './test-support/ws-fixture.js';

describe('wsTransport authentication', () => {
  it('puts the write key in the connection and streams when the collector knows it', async () => {
    const srv = await server({ appIds: [], writeKeys: ['wk_live'] });
    const ws = transport({ url: srv.wsUrl, appId: 'site', writeKey: 'wk_live' });

    const result = await ws.send(helpers.makeEvents(2, 'key'), { writeKey: '' });

    expect(result.delivered).toHaveLength(2);
  });

  it('stops and reports unauthorized once when the collector refuses the key', async () => {
    const srv = await server({ appIds: ['app'] });
    const ws = transport({ url: srv.wsUrl, appId: 'unknown-app' });

    const first = await ws.send(helpers.makeEvents(2, 'refused'), { writeKey: 'wk_wrong' });
    const second = await ws.send(helpers.makeEvents(1, 'refused'), { writeKey: 'wk_wrong' });

    expect(first.stop).toBe(true);
    expect(first.error?.code).toBe('unauthorized');
    expect(first.delivered).toEqual([]);
    expect(second.stop).toBe(true);
    expect(ws.state).toBe('stopped');
    expect(ws.errors.map((e) => e.code)).toEqual(['unauthorized']);
    expect(srv.received.size).toBe(0);
  });

  it('tries again once the send context carries another write key', async () => {
    const srv = await server({ appIds: [], writeKeys: ['wk_new'] });
    const ws = transport({ url: srv.wsUrl, appId: 'site' });
    const refused = await ws.send(helpers.makeEvents(1, 'old'), { writeKey: 'wk_old' });
    expect(refused.stop).toBe(true);

    const result = await ws.send(helpers.makeEvents(1, 'new'), { writeKey: 'wk_new' });

    expect(result.delivered).toHaveLength(1);
    expect(ws.state).toBe('open');
  });
});

describe('wsTransport fallback', () => {
  it('falls back to HTTP when the socket is refused, storing everything once', async () => {
    const srv = await server();
    const fallback = helpers.httpFallback(srv.httpUrl, 'app');
    const ws = transport({ url: `ws://127.0.0.1:${await closedPort()}`, fallback, fallbackAfterAttempts: 2 });
    const events = helpers.makeEvents(30, 'fallback');

    const report = await helpers.drain(ws, events, { pauseMs: 20 });

    expect(report.left).toEqual([]);
    expect(ws.state).toBe('fallback');
    expect(fallback.calls.send).toBeGreaterThan(0);
    expect(srv.stored.size).toBe(30);
    expect([...srv.stored.values()].every((s) => s.via === 'http')).toBe(true);
  });

  it('falls back after fallbackAfterMs when connecting hangs, and returns to the socket when it is back', async () => {
    const srv = await server();
    srv.refuseUpgrades = true;
    const fallback = helpers.httpFallback(srv.httpUrl, 'app');
    const ws = transport({ url: srv.wsUrl, fallback, fallbackAfterAttempts: 1_000, fallbackAfterMs: 150 });

    const early = await ws.send(helpers.makeEvents(5, 'early'), { writeKey: '' });
    expect(early.delivered).toHaveLength(5);
    expect(ws.state).toBe('fallback');

    srv.refuseUpgrades = false;
    expect(await until(() => ws.state === 'open')).toBe(true);
    const later = helpers.makeEvents(5, 'later');
    const result = await ws.send(later, { writeKey: '' });

    expect(result.delivered).toHaveLength(5);
    expect(later.every((e) => srv.stored.get(e.messageId)?.via === 'ws')).toBe(true);
    expect(srv.stored.size).toBe(10);
  });

  it('hands page-hide sends to the fallback, which knows how to survive unload', async () => {
    const srv = await server();
    const fallback = helpers.httpFallback(srv.httpUrl, 'app');
    const ws = transport({ url: srv.wsUrl, fallback });
    await ws.send(helpers.makeEvents(1, 'warm'), { writeKey: '' });
    const events = helpers.makeEvents(3, 'hide');

    const { handed, result } = ws.sendOnHide(events, { writeKey: '' });

    expect(handed).toEqual(events.map((e) => e.messageId));
    expect((await result).delivered).toHaveLength(3);
    expect(fallback.calls.hide).toBe(1);
    expect(events.every((e) => srv.stored.get(e.messageId)?.via === 'http')).toBe(true);
  });

  it('without a fallback, writes page-hide events on the open socket at once', async () => {
    const srv = await server();
    const ws = transport({ url: srv.wsUrl });
    await ws.send(helpers.makeEvents(1, 'warm'), { writeKey: '' });
    const events = helpers.makeEvents(2, 'hide');

    const { handed, result } = ws.sendOnHide(events, { writeKey: '' });

    expect(handed).toEqual(events.map((e) => e.messageId));
    expect((await result).delivered).toHaveLength(2);
  });

  it('never throws when the fallback does', async () => {
    const ws = transport({
      url: `ws://127.0.0.1:${await closedPort()}`,
      fallbackAfterAttempts: 1,
      fallback: {
        send: () => {
          throw new Error('boom');
        },
      },
    });
    const events = helpers.makeEvents(2, 'throwing');

    const report = await helpers.drain(ws, events, { rounds: 5, pauseMs: 20 });

    expect(report.delivered).toEqual([]);
    expect(report.errors).toContain('network');
    expect(ws.state).toBe('fallback');
  });
});
