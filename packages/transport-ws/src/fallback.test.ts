import { describe, expect, it } from 'vitest';
import { manualClock, scriptedTransport } from '@tidemark/test-kit';
import type { Transport } from '@tidemark/core';
import { AckLedger } from './ack-ledger.js';
import { encodeEvent } from './frames.js';
import { Fallback } from './fallback.js';
import { helpers } from './test-support/ws-fixture.js';

function setup(options: { transport?: Transport; afterAttempts?: number; afterMs?: number; mayEnter?: () => boolean } = {}) {
  const clock = manualClock();
  const transport = options.transport ?? scriptedTransport();
  const log: string[] = [];
  const ledger = new AckLedger(clock, 1_000, { freed: () => {}, expired: () => {} });
  const fallback: Fallback = new Fallback(
    transport,
    clock,
    { afterAttempts: options.afterAttempts ?? 3, afterMs: options.afterMs ?? 5_000 },
    {
      mayEnter: options.mayEnter ?? (() => true),
      entered: () => {
        log.push('entered');
        fallback.handOver(ledger, { writeKey: 'wk' });
      },
    },
  );
  return { clock, transport, fallback, ledger, log };
}

const encode = (event: Parameters<typeof encodeEvent>[0]) => encodeEvent(event, undefined, 32 * 1024);

describe('Fallback', () => {
  it('takes over after afterAttempts attempts that never opened, counting none that did', async () => {
    const { fallback, log } = setup({ afterAttempts: 2 });

    fallback.socketClosed(false);
    fallback.socketClosed(true);
    expect(fallback.active).toBe(false);
    fallback.socketClosed(false);

    expect(fallback.active).toBe(true);
    expect(log).toEqual(['entered']);
  });

  it('takes over afterMs after the socket started connecting, once', async () => {
    const { clock, fallback, log } = setup({ afterMs: 100 });

    fallback.armTimer();
    fallback.armTimer();
    await clock.advance(99);
    expect(fallback.active).toBe(false);
    await clock.advance(1);

    expect(fallback.active).toBe(true);
    expect(log).toEqual(['entered']);
    expect(clock.pending()).toHaveLength(0);
  });

  it('stays out while the transport says no, and steps back when the socket opens', async () => {
    let may = false;
    const { clock, fallback } = setup({ afterAttempts: 1, afterMs: 100, mayEnter: () => may });

    fallback.socketClosed(false);
    expect(fallback.active).toBe(false);
    may = true;
    fallback.socketClosed(false);
    expect(fallback.active).toBe(true);

    fallback.socketOpened();
    expect(fallback.active).toBe(false);
    expect(clock.pending()).toHaveLength(0);
    fallback.resetAttempts();
    fallback.socketClosed(true);
    expect(fallback.active).toBe(false);
  });

  it('does not take over once its timer is stopped', async () => {
    const { clock, fallback } = setup({ afterMs: 100 });

    fallback.armTimer();
    fallback.stopTimer();
    await clock.advance(1_000);

    expect(fallback.active).toBe(false);
  });

  it('hands the events waiting for the socket over and settles their sends from its result', async () => {
    const transport = scriptedTransport();
    const [kept, lost] = helpers.makeEvents(2, 'handover');
    transport.answer(() => ({ delivered: [kept!.messageId], rejected: [] }));
    const { fallback, ledger } = setup({ transport, afterAttempts: 1 });
    const pending = ledger.add([kept!, lost!], encode);

    fallback.socketClosed(false);
    const result = await pending.promise;

    expect(transport.sends).toEqual([[kept, lost]]);
    expect(ledger.queued).toBe(0);
    expect(result.delivered).toEqual([kept!.messageId]);
    expect(result.error?.code).toBe('network');
  });

  it('turns a fallback that throws or rejects into a network failure', async () => {
    const events = helpers.makeEvents(1, 'throws');
    const throwing = setup({
      transport: {
        send: () => {
          throw new Error('boom');
        },
        sendOnHide: () => {
          throw new Error('boom');
        },
      },
    }).fallback;
    const rejecting = setup({ transport: { send: () => Promise.reject(new Error('boom')) } }).fallback;

    const thrown = await throwing.send(events, { writeKey: '' });
    const rejected = await rejecting.send(events, { writeKey: '' });
    const hidden = throwing.sendOnHide(events, { writeKey: '' });

    expect(thrown.error?.code).toBe('network');
    expect(thrown.error?.cause).toBeInstanceOf(Error);
    expect(rejected.error?.code).toBe('network');
    expect(hidden.handed).toEqual([]);
    expect((await hidden.result).error?.code).toBe('network');
  });

  it('sends page-hide events plainly when the fallback has no sendOnHide', async () => {
    const { fallback, transport } = setup();
    const events = helpers.makeEvents(2, 'hide');

    const { handed, result } = fallback.sendOnHide(events, { writeKey: '' });

    expect(handed).toEqual(events.map((e) => e.messageId));
    expect((await result).delivered).toHaveLength(2);
    expect((transport as ReturnType<typeof scriptedTransport>).sends).toHaveLength(1);
  });

  it('closes the fallback without passing its failure on, and binds its check', async () => {
    const checked: unknown[] = [];
    const transport: Transport = {
      send: async () => ({ delivered: [], rejected: [] }),
      close: () => Promise.reject(new Error('cannot close')),
      check(ids) {
        checked.push(this);
        return Promise.resolve({ stored: ids });
      },
    };
    const { fallback } = setup({ transport });

    await expect(fallback.close()).resolves.toBeUndefined();
    expect(await fallback.check?.(['a'], { writeKey: '' })).toEqual({ stored: ['a'] });
    expect(checked).toEqual([transport]);
    expect(setup().fallback.check).toBeUndefined();
  });
});
