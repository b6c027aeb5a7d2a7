import { describe, expect, it } from 'vitest';
import { manualClock, scriptedTransport } from '@tidemark/test-kit';
import type { SendContext, SendResult, TidemarkEvent } from '@tidemark/core';
import { Fallback } from './fallback.js';
import { pageHideSend } from './page-hide.js';
import type { PageHideParts } from './page-hide.js';
import { helpers } from './test-support/ws-fixture.js';

/** The path with a socket that is open or not, whose ledger says every ID in `written` is written. */
function parts(overrides: Partial<PageHideParts> & { open?: boolean; written?: string[] } = {}) {
  const sent: TidemarkEvent[][] = [];
  const flushes: number[] = [];
  const answer: SendResult = { delivered: [], rejected: [] };
  const written = new Set(overrides.written ?? []);
  const given: PageHideParts = {
    running: () => true,
    fallback: undefined,
    stream: {
      connection: { isOpen: overrides.open ?? true },
      ledger: { isWritten: (id: string) => written.has(id) },
    } as unknown as PageHideParts['stream'],
    send: (events) => (sent.push(events), Promise.resolve(answer)),
    flushNow: () => flushes.push(sent.length),
    ...overrides,
  };
  return { hide: pageHideSend(given), sent, flushes, answer };
}

const ctx: SendContext = { writeKey: '' };

describe('pageHideSend', () => {
  it('leaves a stopped or closed transport, and an empty hide, to the ordinary send', async () => {
    const events = helpers.makeEvents(1, 'stopped');
    const stopped = parts({ running: () => false });
    const empty = parts();

    const one = stopped.hide(events, ctx);
    const two = empty.hide([], ctx);

    expect(one.handed).toEqual([]);
    expect(await one.result).toBe(stopped.answer);
    expect(stopped.sent).toEqual([events]);
    expect(two.handed).toEqual([]);
    expect(empty.sent).toEqual([[]]);
  });

  it('hands the events to the fallback when there is one', async () => {
    const transport = scriptedTransport();
    const fallback = new Fallback(transport, manualClock(), { afterAttempts: 3, afterMs: 5_000 }, { mayEnter: () => true, entered: () => {} });
    const { hide, sent } = parts({ fallback });
    const events = helpers.makeEvents(2, 'fallback');

    const { handed, result } = hide(events, ctx);

    expect(handed).toEqual(events.map((e) => e.messageId));
    expect((await result).delivered).toHaveLength(2);
    expect(transport.sends).toEqual([events]);
    expect(sent).toEqual([]);
  });

  it('without a fallback, writes on the open socket at once and counts only what was written', () => {
    const events = helpers.makeEvents(2, 'socket');
    const { hide, sent, flushes } = parts({ written: [events[0]!.messageId] });

    const { handed } = hide(events, ctx);

    expect(sent).toEqual([events]);
    expect(flushes).toEqual([1]);
    expect(handed).toEqual([events[0]!.messageId]);
  });

  it('without a fallback or an open socket, hands nothing and leaves the events to the core', async () => {
    const { hide, sent } = parts({ open: false });

    const { handed, result } = hide(helpers.makeEvents(2, 'down'), ctx);

    expect(handed).toEqual([]);
    expect(await result).toEqual({ delivered: [], rejected: [] });
    expect(sent).toEqual([]);
  });
});
