import WebSocket from 'ws';
import { describe, expect, it } from 'vitest';
import { systemClock } from '@tidemark/core';
import { LIMITS } from '@tidemark/protocol';
import type { Clock, TidemarkError } from '@tidemark/core';
import { manualClock } from '@tidemark/test-kit';
import { ProblemReporter } from './problem-reporter.js';
import { SocketStream } from './socket-stream.js';
import type { StreamOptions } from './socket-stream.js';
import { afterTest, helpers, server, until } from './test-support/ws-fixture.js';

/** A stream on its own, with the transport's reactions reduced to a log. */
function stream(url: string, overrides: Partial<StreamOptions> = {}) {
  const errors: TidemarkError[] = [];
  const log: string[] = [];
  const options: StreamOptions = {
    clock: systemClock,
    ackTimeoutMs: 1_000,
    maxInFlight: 1_000,
    maxFrameEvents: LIMITS.maxBatchEvents,
    maxFrameBytes: LIMITS.maxBatchBytes,
    maxEventBytes: LIMITS.maxEventBytes,
    encode: undefined,
    WebSocket,
    minReconnectDelayMs: 20,
    maxReconnectDelayMs: 100,
    ...overrides,
  };
  const made: SocketStream = new SocketStream(options, () => `${url}/app/app/track`, new ProblemReporter((e) => errors.push(e)), {
    open: () => {
      log.push('open');
      made.writeFrames();
    },
    close: (info) => log.push(`close ${info.code}${info.wasOpen ? ' (was open)' : ''}`),
    freed: () => log.push('freed'),
  });
  afterTest(async () => made.connection.close());
  return { stream: made, errors, log };
}

describe('SocketStream', () => {
  it('writes what was added once the socket opens, and settles it from the acks', async () => {
    const srv = await server();
    const { stream: s, log } = stream(srv.wsUrl);
    const events = helpers.makeEvents(3, 'stream');

    const pending = s.add(events, undefined);
    s.connection.start();
    const result = await pending.promise;

    expect(result.delivered.sort()).toEqual(events.map((e) => e.messageId).sort());
    expect(srv.counts.frames).toBe(1);
    expect(log).toEqual(['open', 'freed']);
  });

  it('gives queued events back for retry when the socket does not come within ackTimeoutMs', async () => {
    const clock = manualClock();
    const { stream: s } = stream('ws://127.0.0.1:9', { clock: clock as Clock, ackTimeoutMs: 500 });
    const pending = s.add(helpers.makeEvents(2, 'wait'), undefined);

    s.waitForSocket();
    s.waitForSocket();
    await clock.advance(500);
    const result = await pending.promise;

    expect(result.delivered).toEqual([]);
    expect(result.error?.message).toMatch(/did not connect within 500 ms/);
    expect(s.ledger.queued).toBe(0);
    expect(clock.pending()).toHaveLength(0);
  });

  it('stops waiting for the socket when everything is settled', async () => {
    const clock = manualClock();
    const { stream: s } = stream('ws://127.0.0.1:9', { clock: clock as Clock });
    s.add(helpers.makeEvents(1, 'settled'), undefined);

    s.waitForSocket();
    s.settleAll({ kind: 'rejected', reason: 'test' });

    expect(clock.pending()).toHaveLength(0);
    expect(s.ledger.queued).toBe(0);
  });

  it('replaces a socket that said nothing since a frame it never acknowledged', async () => {
    const srv = await server();
    const { stream: s, log } = stream(srv.wsUrl, { ackTimeoutMs: 200 });
    const ackAll = srv.script; // the server's default: store and acknowledge
    srv.script = () => {
      srv.script = ackAll; // the first frame vanishes, as into a dead NAT entry
    };

    const first = s.add(helpers.makeEvents(1, 'silent'), undefined);
    s.connection.start();

    expect((await first.promise).error?.message).toMatch(/no acknowledgement/);
    expect(await until(() => srv.counts.connections === 2)).toBe(true);
    expect(log).toContain('close 4000 (was open)');
  });

  it('reports written events for retry when the socket is lost, telling the app once', async () => {
    const srv = await server();
    const { stream: s, errors } = stream(srv.wsUrl);
    srv.script = () => {};
    const pending = s.add(helpers.makeEvents(2, 'lost'), undefined);
    s.connection.start();
    expect(await until(() => s.ledger.inFlight === 2)).toBe(true);

    s.lost(1006);
    s.lost(1006);

    expect((await pending.promise).error?.message).toMatch(/closed \(code 1006\)/);
    expect(errors.map((e) => e.code)).toEqual(['network']);
  });

  it('settles the events of an aborted send, even one aborted before it was added', async () => {
    const { stream: s } = stream('ws://127.0.0.1:9');
    const before = new AbortController();
    before.abort();
    const later = new AbortController();

    const early = s.add(helpers.makeEvents(1, 'early'), before.signal);
    const late = s.add(helpers.makeEvents(1, 'late'), later.signal);
    later.abort();

    expect((await early.promise).error?.code).toBe('closed');
    expect((await late.promise).error?.code).toBe('closed');
  });

  it('tells unreadable and error answers from the collector once each', async () => {
    const srv = await server();
    const { stream: s, errors } = stream(srv.wsUrl);
    const ackAll = srv.script;
    srv.script = (frame) => {
      frame.send('not json');
      frame.send('{"error":"bad frame"}');
      frame.send('{"error":"bad frame"}');
      ackAll(frame);
    };

    const pending = s.add(helpers.makeEvents(1, 'answers'), undefined);
    s.connection.start();

    expect((await pending.promise).delivered).toHaveLength(1);
    expect(errors.map((e) => e.message)).toEqual([
      'unreadable message from the collector: not json',
      'the collector could not read a frame: bad frame',
    ]);
  });
});
