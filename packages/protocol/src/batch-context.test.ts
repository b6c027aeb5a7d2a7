import { describe, expect, it } from 'vitest';
import { batchJson, withBatchContext } from './batch-context.js';
import { eventJson } from './event-json.js';
import type { TidemarkEvent } from './wire.js';

const pageContext = () => ({ library: { name: 'tidemark', version: '1.0.0' }, sessionId: 1, page: { path: '/pricing', url: 'https://shop.test/pricing', title: 'Pricing' }, locale: 'en-GB', timezone: 'Europe/London' });
const event = (i: number, context: object | null = pageContext()) =>
  ({ type: 'track', messageId: `m${i}`, timestamp: '2026-12-02T08:00:00.000Z', anonymousId: 'a1', event: 'Viewed', properties: { i }, ...(context && { context }) }) as unknown as TidemarkEvent;

/** What a receiver makes of a body built from `batchJson`. */
const received = (events: TidemarkEvent[]) => {
  const json = batchJson(events);
  const body = JSON.parse(`{"batch":[${json.events}]${json.context === undefined ? '' : `,"context":${json.context}`}}`) as { batch: unknown[]; context?: unknown };
  return { body, events: withBatchContext(body.batch, body.context) };
};

describe('batchJson', () => {
  it('sends a context every event shares once, and the receiver gets every event back as queued', () => {
    const shared = pageContext();
    // Two ticks' context objects with the same content, and events serialized before (spliced JSON).
    const events = [event(1, shared), event(2, shared), event(3, pageContext()), event(4, shared)];
    events.forEach((e) => eventJson(e));
    const { body, events: back } = received(events);
    expect(body.context).toEqual(shared);
    expect(body.batch.every((e) => !('context' in (e as object)))).toBe(true);
    expect(back).toEqual(JSON.parse(JSON.stringify(events)));
    // About a third of the bytes of the events with their contexts.
    expect(batchJson(events).events.length).toBeLessThan(events.map(eventJson).join(',').length * 0.6);
  });

  it('leaves each event its own context when one differs (merging them would leak keys)', () => {
    const other = { ...pageContext(), page: { path: '/cart', url: 'https://shop.test/cart', title: 'Cart' } };
    const withCampaign = { ...pageContext(), campaign: { source: 'newsletter' } };
    for (const events of [[event(1), event(2, other)], [event(1, withCampaign), event(2)], [event(1), event(2, null)], [event(1, null), event(2)]]) {
      const json = batchJson(events);
      expect(json.context).toBeUndefined();
      expect(received(events).events).toEqual(JSON.parse(JSON.stringify(events)));
    }
  });

  it('works for frozen events and one-event batches', () => {
    const frozen = Object.freeze(event(1));
    expect(received([frozen]).events).toEqual([JSON.parse(JSON.stringify(frozen))]);
    expect(batchJson([frozen]).context).toBe(JSON.stringify(frozen.context));
  });
});

describe('withBatchContext', () => {
  it("merges the batch's context into each event's own, the event's fields winning", () => {
    const batch = [{ messageId: 'm1', context: { locale: 'fr-FR' } }, { messageId: 'm2' }];
    expect(withBatchContext(batch, { locale: 'en-GB', timezone: 'UTC' })).toEqual([
      { messageId: 'm1', context: { locale: 'fr-FR', timezone: 'UTC' } },
      { messageId: 'm2', context: { locale: 'en-GB', timezone: 'UTC' } },
    ]);
  });

  it('leaves events alone when the context is not an object, and events that are not objects or whose context is not', () => {
    const batch = [{ messageId: 'm1' }, 'junk', null, { messageId: 'm2', context: 'bad' }];
    for (const context of [undefined, null, 'text', 7, ['a']]) expect(withBatchContext(batch, context)).toBe(batch);
    expect(withBatchContext(batch, { locale: 'en' })).toEqual([{ messageId: 'm1', context: { locale: 'en' } }, 'junk', null, { messageId: 'm2', context: 'bad' }]);
  });

  it('keeps a "__proto__" key of parsed JSON an own key, polluting nothing', () => {
    const { batch, context } = JSON.parse('{"batch":[{"messageId":"m1"}],"context":{"__proto__":{"polluted":true}}}') as { batch: unknown[]; context: unknown };
    const [merged] = withBatchContext(batch, context) as Array<{ context: object }>;
    expect(Object.keys(merged!.context)).toEqual(['__proto__']);
    expect(({} as { polluted?: boolean }).polluted).toBeUndefined();
  });
});
