import { describe, expect, it } from 'vitest';
import { ackAll } from '@tidemark/test-kit';
import { helpers, server, transport, warm } from './test-support/ws-fixture.js';

describe('wsTransport acknowledgements', () => {
  it('resolves exactly the events whose IDs come back, ignoring unknown IDs', async () => {
    const srv = await server();
    const ws = transport({ url: srv.wsUrl, ackTimeoutMs: 300 });
    await warm(ws);
    const events = helpers.makeEvents(10, 'exact');
    const acked = events.slice(0, 4).map((e) => e.messageId);
    srv.script = (frame) => {
      frame.store(acked);
      frame.ack([...acked, 'not-one-of-ours', 42]);
    };

    const result = await ws.send(events, { writeKey: '' });

    expect(result.delivered.sort()).toEqual([...acked].sort());
    expect(result.rejected).toEqual([]);
    expect(result.error?.code).toBe('network');
    expect(result.stop).toBeUndefined();
    expect(srv.stored.size).toBe(5); // the warm-up event and the four acked
  });

  it('lets events the collector rejects leave with its reason, delivering their neighbours', async () => {
    const srv = await server();
    const ws = transport({ url: srv.wsUrl });
    srv.script = (frame) => {
      const [bad, ...good] = frame.ids;
      frame.store(good);
      frame.ack(good, [{ messageId: bad!, reason: 'name must be a string' }]);
    };
    const events = helpers.makeEvents(3, 'rejected');

    const result = await ws.send(events, { writeKey: '' });

    expect(result.rejected).toEqual([{ messageId: events[0]!.messageId, reason: 'name must be a string' }]);
    expect(result.delivered.sort()).toEqual(events.slice(1).map((e) => e.messageId).sort());
    expect(result.error).toBeUndefined();
  });

  it('streams over one socket as events arrive, batching a tick into one frame', async () => {
    const srv = await server();
    const ws = transport({ url: srv.wsUrl });
    const [a, b, c] = [helpers.makeEvents(3, 'a'), helpers.makeEvents(2, 'b'), helpers.makeEvents(1, 'c')];

    const results = await Promise.all([ws.send(a!, { writeKey: '' }), ws.send(b!, { writeKey: '' }), ws.send(c!, { writeKey: '' })]);

    expect(results.map((r) => r.delivered.length)).toEqual([3, 2, 1]);
    expect(srv.counts.frames).toBe(1);
    expect(srv.counts.connections).toBe(1);
    expect(ws.state).toBe('open');
  });

  it('reports malformed server messages once and keeps streaming', async () => {
    const srv = await server();
    const ws = transport({ url: srv.wsUrl });
    srv.script = (frame) => {
      frame.send('not json');
      frame.send('[1,2,3]');
      frame.send('{"hello":"world"}');
      ackAll(frame);
    };

    const first = await ws.send(helpers.makeEvents(3, 'junk1'), { writeKey: '' });
    const second = await ws.send(helpers.makeEvents(3, 'junk2'), { writeKey: '' });

    expect(first.delivered).toHaveLength(3);
    expect(second.delivered).toHaveLength(3);
    expect(ws.errors.map((e) => e.code)).toEqual(['protocol']);
    expect(srv.counts.connections).toBe(1);
  });

  it('never writes more than maxInFlight unacknowledged events', async () => {
    const srv = await server();
    const ws = transport({ url: srv.wsUrl, maxInFlight: 8 });
    let outstanding = 0;
    let most = 0;
    srv.script = (frame) => {
      outstanding += frame.ids.length;
      most = Math.max(most, outstanding);
      setTimeout(() => {
        outstanding -= frame.ids.length;
        ackAll(frame);
      }, 5);
    };

    const result = await ws.send(helpers.makeEvents(50, 'window'), { writeKey: '' });

    expect(result.delivered).toHaveLength(50);
    expect(most).toBe(8);
    expect(srv.counts.frames).toBeGreaterThanOrEqual(7);
  });

  it('streams 10,000 events with none lost and none sent twice', async () => {
    const srv = await server();
    const ws = transport({ url: srv.wsUrl, ackTimeoutMs: 10_000 });
    const events = helpers.makeEvents(10_000, 'bulk');

    const result = await ws.send(events, { writeKey: '' });

    expect(result.delivered).toHaveLength(10_000);
    expect(result.error).toBeUndefined();
    expect(srv.stored.size).toBe(10_000);
    expect([...srv.received.values()].every((n) => n === 1)).toBe(true);
  });

  it('rejects an event over 32 KB and delivers its neighbours', async () => {
    const srv = await server();
    const ws = transport({ url: srv.wsUrl });
    const [small, big] = helpers.makeEvents(2, 'size');
    big!.properties = { blob: 'é'.repeat(17_000) }; // 34 KB in UTF-8, 17 K characters

    const result = await ws.send([small!, big!], { writeKey: '' });

    expect(result.delivered).toEqual([small!.messageId]);
    expect(result.rejected).toHaveLength(1);
    expect(result.rejected[0]!.messageId).toBe(big!.messageId);
    expect(result.rejected[0]!.reason).toMatch(/event_too_large/);
    expect(srv.received.has(big!.messageId)).toBe(false);
  });

  it('sends an event handed over twice only once and resolves both sends', async () => {
    const srv = await server();
    const ws = transport({ url: srv.wsUrl });
    const events = helpers.makeEvents(3, 'twice');

    const [one, two] = await Promise.all([ws.send(events, { writeKey: '' }), ws.send(events.slice(1), { writeKey: '' })]);

    expect(one.delivered).toHaveLength(3);
    expect(two.delivered).toHaveLength(2);
    expect([...srv.received.values()]).toEqual([1, 1, 1]);
  });

  it('rejects events its encoder cannot serialize, reporting invalid_event once', async () => {
    const srv = await server();
    const ws = transport({
      url: srv.wsUrl,
      nucleus: (event) => {
        if (event.properties?.i === 0) throw new Error('cannot encode');
        return { id: event.messageId, anonId: event.anonymousId };
      },
    });
    const events = helpers.makeEvents(3, 'encoder');

    const first = await ws.send(events, { writeKey: '' });
    const second = await ws.send(helpers.makeEvents(1, 'encoder'), { writeKey: '' });

    expect(first.rejected.map((r) => r.messageId)).toEqual([events[0]!.messageId]);
    expect(first.delivered).toHaveLength(2);
    expect(second.rejected).toHaveLength(1);
    expect(ws.errors.map((e) => e.code)).toEqual(['invalid_event']);
    expect(ws.errors[0]!.cause).toBeInstanceOf(Error);
  });

  it('sends Nucleus field names with nucleus: true, acked by id', async () => {
    const srv = await server();
    const ws = transport({ url: srv.wsUrl, nucleus: true });
    const [event] = helpers.makeEvents(1, 'nucleus');

    const result = await ws.send([event!], { writeKey: '' });

    expect(result.delivered).toEqual([event!.messageId]);
    const stored = srv.stored.get(event!.messageId)!.event;
    expect(stored).toMatchObject({ id: event!.messageId, type: 'event', name: 'Tested', anonId: 'anon-1', payload: { i: 0 } });
    expect(stored).not.toHaveProperty('messageId');
  });
});
