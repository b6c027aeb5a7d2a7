import { describe, expect, it } from 'vitest';
import { ackAll } from '@tidemark/test-kit';
import { helpers, server, transport, until, warm } from './test-support/ws-fixture.js';

// The socket's life: reconnects, half-open sockets, unacknowledged IDs, no connection, close and abort.
describe('wsTransport connections', () => {
  it('re-sends events after reconnect when the server closes before acking, storing them once', async () => {
    const srv = await server();
    const ws = transport({ url: srv.wsUrl });
    const events = helpers.makeEvents(20, 'drop');
    let frames = 0;
    srv.script = (frame) => {
      if (frames++ === 0) {
        frame.store(); // stored, but the ack is lost with the socket
        frame.close(1011, 'crash');
      } else ackAll(frame);
    };

    const report = await helpers.drain(ws, events, { pauseMs: 20 });

    expect(report.left).toEqual([]);
    expect(report.errors[0]).toBe('network');
    expect(new Set(report.delivered)).toEqual(new Set(events.map((e) => e.messageId)));
    expect(srv.stored.size).toBe(20);
    expect(srv.counts.connections).toBe(2);
    for (const event of events) expect(srv.received.get(event.messageId)).toBe(2);
  });

  it('retries the IDs a server left unacknowledged', async () => {
    const srv = await server();
    const ws = transport({ url: srv.wsUrl, ackTimeoutMs: 200 });
    await warm(ws);
    const events = helpers.makeEvents(10, 'some');
    const firstHalf = new Set(events.slice(0, 5).map((e) => e.messageId));
    srv.script = (frame) => {
      const some = frame.ids.filter((id) => firstHalf.has(id));
      frame.store(some);
      frame.ack(some);
      srv.script = ackAll;
    };

    const report = await helpers.drain(ws, events, { pauseMs: 20 });

    expect(report.rounds).toBe(2);
    expect(report.left).toEqual([]);
    expect(srv.stored.size).toBe(11);
    for (const event of events) expect(srv.received.get(event.messageId)).toBe(firstHalf.has(event.messageId) ? 1 : 2);
  });

  it('replaces a socket that went silent (half-open) and re-sends over the new one', async () => {
    const srv = await server();
    const ws = transport({ url: srv.wsUrl, ackTimeoutMs: 200 });
    await warm(ws);
    srv.script = () => {
      srv.script = ackAll; // the first frame vanishes without a word, as into a dead NAT entry
    };
    const events = helpers.makeEvents(4, 'silent');

    const report = await helpers.drain(ws, events, { pauseMs: 20 });

    expect(report.left).toEqual([]);
    expect(report.errors).toEqual(['network']);
    expect(srv.counts.connections).toBe(2);
    expect(srv.stored.size).toBe(5); // the warm-up event and the four acked
  });

  it('keeps a socket that answers, even when some acks are missing', async () => {
    const srv = await server();
    const ws = transport({ url: srv.wsUrl, ackTimeoutMs: 200 });
    await warm(ws);
    srv.script = (frame) => frame.ack(frame.ids.slice(0, 1));

    const result = await ws.send(helpers.makeEvents(3, 'partial'), { writeKey: '' });

    expect(result.delivered).toHaveLength(1);
    expect(ws.state).toBe('open');
    expect(srv.counts.connections).toBe(1);
  });

  it('gives queued events back for retry when the socket cannot connect and there is no fallback', async () => {
    const srv = await server();
    srv.refuseUpgrades = true;
    const ws = transport({ url: srv.wsUrl, ackTimeoutMs: 200 });

    const result = await ws.send(helpers.makeEvents(2, 'down'), { writeKey: '' });

    expect(result.delivered).toEqual([]);
    expect(result.error?.code).toBe('network');
    expect(ws.state).toBe('connecting');
  });

  it('reconnects when connectivity returns instead of waiting out the delay', async () => {
    const srv = await server();
    const online: Array<() => void> = [];
    const ws = transport({
      url: srv.wsUrl,
      minReconnectDelayMs: 60_000,
      maxReconnectDelayMs: 60_000,
      lifecycle: { onOnline: (listener) => (online.push(listener), () => {}) },
    });
    await ws.send(helpers.makeEvents(1, 'before'), { writeKey: '' });
    srv.closeAll();
    expect(await until(() => ws.state === 'connecting')).toBe(true);

    for (const listener of online) listener();

    expect(await until(() => ws.state === 'open', 2_000)).toBe(true);
    const result = await ws.send(helpers.makeEvents(1, 'after'), { writeKey: '' });
    expect(result.delivered).toHaveLength(1);
  });

  it('settles pending sends with a closed error on close(), and refuses sends after it', async () => {
    const srv = await server();
    const ws = transport({ url: srv.wsUrl });
    srv.script = () => {}; // never acks
    const pending = ws.send(helpers.makeEvents(2, 'closing'), { writeKey: '' });
    expect(await until(() => srv.counts.frames === 1)).toBe(true);

    await ws.close();

    expect((await pending).error?.code).toBe('closed');
    expect((await ws.send(helpers.makeEvents(1, 'late'), { writeKey: '' })).error?.code).toBe('closed');
    expect(ws.state).toBe('closed');
    expect(await until(() => srv.openSockets === 0)).toBe(true);
  });

  it('settles a send whose signal aborts', async () => {
    const srv = await server();
    const ws = transport({ url: srv.wsUrl });
    srv.script = () => {};
    const controller = new AbortController();
    const pending = ws.send(helpers.makeEvents(2, 'abort'), { writeKey: '', signal: controller.signal });

    controller.abort();

    const result = await pending;
    expect(result.delivered).toEqual([]);
    expect(result.error?.code).toBe('closed');
  });
});
