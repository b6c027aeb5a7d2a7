// The WebSocket transport in real Chromium against a real `ws` server on 127.0.0.1: the
// page loads the transport's IIFE bundle (packages/cdn/dist/tidemark-ws.min.js)
// and drives `TidemarkWS.wsTransport` directly, with `helpers.drain` standing in for the
// core's retry loop.
import { expect, test } from '@playwright/test';
import { ackAll, closedPort, startWsCollector, type ClientHelpers, type WsCollector } from '@tidemark/test-kit';
import type {} from './support/ws-page-globals.js';

let srv: WsCollector;
test.beforeEach(async ({ page }) => {
  srv = await startWsCollector();
  await page.goto(srv.httpUrl);
  await expect.poll(() => page.evaluate(() => typeof window.TidemarkWS?.wsTransport)).toBe('function');
});
test.afterEach(async () => {
  await srv.close();
});

test('acks resolve exactly the acknowledged events', async ({ page }) => {
  // Open the socket first, so the short ack deadline below measures acks, not a first
  // connection on a loaded machine.
  const warm = await page.evaluate(async (url) => {
    window.transport = window.TidemarkWS.wsTransport({ url, appId: 'app', ackTimeoutMs: 500 });
    return (await window.transport.send(window.helpers.makeEvents(1, 'warm'), { writeKey: '' })).delivered.length;
  }, srv.wsUrl);
  expect(warm).toBe(1);
  srv.script = (frame) => {
    const some = frame.ids.slice(0, 3);
    frame.store(some);
    frame.ack([...some, 'someone-elses-id']);
  };

  const outcome = await page.evaluate(async () => {
    const events = window.helpers.makeEvents(6, 'exact');
    const result = await window.transport.send(events, { writeKey: '' });
    return { delivered: result.delivered, error: result.error?.code, ids: events.map((e) => e.messageId) };
  });

  expect(outcome.delivered.sort()).toEqual(outcome.ids.slice(0, 3).sort());
  expect(outcome.error).toBe('network');
  expect(outcome.ids.slice(0, 3).every((id) => srv.stored.has(id))).toBe(true);
  expect(outcome.ids.slice(3).some((id) => srv.stored.has(id))).toBe(false);
});

test('a server that closes before acking gets the events again after reconnect, stored once', async ({ page }) => {
  let frames = 0;
  srv.script = (frame) => {
    if (frames++ > 0) return ackAll(frame);
    frame.store();
    frame.close(1011, 'crash');
  };

  const report = await page.evaluate(async (url) => {
    window.transport = window.TidemarkWS.wsTransport({ url, appId: 'app', minReconnectDelayMs: 50 });
    return window.helpers.drain(window.transport, window.helpers.makeEvents(25, 'reconnect'), { pauseMs: 50 });
  }, srv.wsUrl);

  expect(report.left).toEqual([]);
  expect(report.errors[0]).toBe('network');
  expect(srv.counts.connections).toBe(2);
  expect(srv.stored.size).toBe(25);
  expect([...srv.received.values()].every((n) => n === 2)).toBe(true);
});

test('going offline and back: events wait, then arrive once', async ({ page, context }) => {
  const warm = await page.evaluate(async (url) => {
    window.transport = window.TidemarkWS.wsTransport({ url, appId: 'app', minReconnectDelayMs: 100, maxReconnectDelayMs: 400, ackTimeoutMs: 2_000 });
    return (await window.transport.send(window.helpers.makeEvents(2, 'warm'), { writeKey: '' })).delivered.length;
  }, srv.wsUrl);
  expect(warm).toBe(2);

  await context.setOffline(true);
  srv.closeAll();
  await expect.poll(() => page.evaluate(() => window.transport.state)).toBe('connecting');
  await page.evaluate(() => {
    const events = window.helpers.makeEvents(20, 'offline');
    (window as unknown as { drained: unknown }).drained = window.helpers.drain(window.transport, events, { rounds: 400, pauseMs: 100 });
  });
  await page.waitForTimeout(1_500);
  expect(srv.stored.size).toBe(2); // nothing got through while offline
  expect(await page.evaluate(() => window.transport.state)).toBe('connecting');

  await context.setOffline(false);
  const report = await page.evaluate(() => (window as unknown as { drained: ReturnType<ClientHelpers['drain']> }).drained);

  expect(report.left).toEqual([]);
  expect(srv.stored.size).toBe(22);
  expect(srv.counts.connections).toBe(2); // they went over the socket opened after going online
  expect(await page.evaluate(() => window.transport.state)).toBe('open');
});

test('falls back to HTTP when the socket is refused', async ({ page }) => {
  const deadUrl = `ws://127.0.0.1:${await closedPort()}`;

  const outcome = await page.evaluate(
    async ({ url, http }) => {
      const fallback = window.helpers.httpFallback(http, 'app');
      window.transport = window.TidemarkWS.wsTransport({ url, appId: 'app', fallback, fallbackAfterAttempts: 2, minReconnectDelayMs: 50 });
      const report = await window.helpers.drain(window.transport, window.helpers.makeEvents(15, 'fallback'), { pauseMs: 50 });
      return { report, state: window.transport.state, posts: fallback.calls.send };
    },
    { url: deadUrl, http: srv.httpUrl },
  );

  expect(outcome.report.left).toEqual([]);
  expect(outcome.state).toBe('fallback');
  expect(outcome.posts).toBeGreaterThan(0);
  expect(srv.stored.size).toBe(15);
  expect([...srv.stored.values()].every((s) => s.via === 'http')).toBe(true);
});

test('stops on a refused key and reports unauthorized', async ({ page }) => {
  const outcome = await page.evaluate(async (url) => {
    const codes: string[] = [];
    window.transport = window.TidemarkWS.wsTransport({ url, appId: 'not-an-app', onError: (e) => codes.push(e.code) });
    const result = await window.transport.send(window.helpers.makeEvents(3, 'refused'), { writeKey: 'wk_wrong' });
    return { stop: result.stop, error: result.error?.code, codes, state: window.transport.state };
  }, srv.wsUrl);

  expect(outcome).toEqual({ stop: true, error: 'unauthorized', codes: ['unauthorized'], state: 'stopped' });
  expect(srv.received.size).toBe(0);
});

test('streams 10,000 events with none lost', async ({ page }) => {
  const delivered = await page.evaluate(async (url) => {
    window.transport = window.TidemarkWS.wsTransport({ url, appId: 'app' });
    const result = await window.transport.send(window.helpers.makeEvents(10_000, 'bulk'), { writeKey: '' });
    return result.delivered.length;
  }, srv.wsUrl);

  expect(delivered).toBe(10_000);
  expect(srv.stored.size).toBe(10_000);
  expect([...srv.received.values()].every((n) => n === 1)).toBe(true);
});
