import { describe, expect, it } from 'vitest';
import { trackEvent } from '../test-support/collector-fixture.js';
import type { IngestContext } from './normalize.js';
import { normalizeSegmentEvent } from './segment-event.js';

const NOW = Date.parse('2025-01-18T14:30:00.000Z');
const ctx = (over: Partial<IngestContext> = {}): IngestContext => ({ source: 'wk', receivedMs: NOW, skewMs: 0, flags: [], ...over });

function rowOf(event: unknown, c = ctx()) {
  const out = normalizeSegmentEvent(event, c);
  if (out.kind !== 'row') throw new Error(`expected a row, got ${JSON.stringify(out)}`);
  return out.row;
}

function reasonOf(event: unknown) {
  const out = normalizeSegmentEvent(event, ctx());
  if (out.kind !== 'rejected') throw new Error(`expected a rejection, got ${out.kind}`);
  return out;
}

describe('normalizeSegmentEvent', () => {
  it('maps a track event to its columns and keeps the raw JSON', () => {
    const event = trackEvent({ messageId: 'm1', userId: 'u1', timestamp: '2025-01-18T14:29:00.000Z' });
    const row = rowOf(event);
    expect(row).toMatchObject({
      key: 'm1',
      messageId: 'm1',
      type: 'track',
      name: 'Button Clicked',
      anonymousId: 'anon-1',
      userId: 'u1',
      sessionId: '1700000000000',
      clientMs: NOW - 60_000,
      eventMs: NOW - 60_000,
      receivedMs: NOW,
      source: 'wk',
      flags: [],
    });
    expect(JSON.parse(row.raw)).toEqual(event);
  });

  it('names non-track events by their type and keeps identify traits for the user', () => {
    expect(rowOf(trackEvent({ type: 'page', event: undefined, name: 'Home' })).name).toBe('page');
    const identify = rowOf(trackEvent({ type: 'identify', event: undefined, userId: 'u1', traits: { plan: 'pro' } }));
    expect(identify).toMatchObject({ name: 'identify', traits: { plan: 'pro' } });
  });

  it('corrects the client clock by receivedAt - sentAt', () => {
    // The client clock is one hour behind: sentAt says 13:30 when the server says 14:30.
    const row = rowOf(trackEvent({ timestamp: '2025-01-18T13:29:00.000Z' }), ctx({ skewMs: 3_600_000 }));
    expect(row.clientMs).toBe(NOW - 3_660_000);
    expect(row.eventMs).toBe(NOW - 60_000);
    expect(row.flags).toEqual([]);
  });

  it('clamps a future time to the server time and flags the row', () => {
    const row = rowOf(trackEvent({ timestamp: '2031-01-01T00:00:00Z' }), ctx({ skewMs: null, flags: ['no_sent_at'] }));
    expect(row.eventMs).toBe(NOW);
    expect(row.clientMs).toBe(Date.parse('2031-01-01T00:00:00Z'));
    expect(row.flags).toEqual(['no_sent_at', 'future_timestamp']);
  });

  it('uses the receipt time when the event has no timestamp', () => {
    expect(rowOf(trackEvent({ timestamp: undefined })).clientMs).toBe(NOW);
  });

  it.each([
    ['no messageId', { messageId: undefined }, 'messageId is required'],
    ['numeric messageId', { messageId: 5 }, 'messageId must be'],
    ['control characters in messageId', { messageId: 'a\u0000b' }, 'messageId must be'],
    ['unknown type', { type: 'purchase' }, 'type must be one of'],
    ['no identity', { anonymousId: undefined }, 'anonymousId or userId is required'],
    ['numeric anonymousId', { anonymousId: 42 }, 'anonymousId must be'],
    ['track without event', { event: undefined }, 'event is required'],
    ['empty event name', { event: '  ' }, 'event must be'],
    ['event name over 200', { event: 'x'.repeat(201) }, 'event must be'],
    ['properties as array', { properties: [1, 2] }, 'properties must be an object'],
    ['context as string', { context: 'x' }, 'context must be an object'],
    ['sessionId as object', { context: { sessionId: {} } }, 'sessionId must be'],
    ['timestamp as number', { timestamp: 1737210600000 }, 'timestamp must be an ISO 8601'],
    ['loose timestamp', { timestamp: 'March 7' }, 'timestamp must be an ISO 8601'],
    ['impossible day', { timestamp: '2025-02-30T00:00:00Z' }, 'timestamp must be an ISO 8601'],
    ['__proto__ key', { properties: JSON.parse('{"__proto__":{"admin":true}}') }, 'forbidden key "__proto__"'],
    ['deep nesting', { properties: JSON.parse('{"a":'.repeat(40) + '1' + '}'.repeat(40)) }, 'nested deeper than'],
    ['over 32 KB', { properties: { blob: 'x'.repeat(33 * 1024) } }, 'larger than 32 KB'],
    ['group without groupId', { type: 'group' }, 'groupId is required'],
    ['alias without previousId', { type: 'alias' }, 'previousId is required'],
  ])('rejects %s', (_label, overrides, reason) => {
    const out = reasonOf(trackEvent(overrides));
    expect(out.reason).toContain(reason);
  });

  it('echoes the messageId of a rejected event when it has one', () => {
    expect(reasonOf(trackEvent({ messageId: 'bad1', type: 'nope' })).ackId).toBe('bad1');
    expect(reasonOf('not an event').ackId).toBeNull();
  });

  it('counts UTF-8 bytes, not characters, against the 32 KB limit', () => {
    // 11,000 three-byte characters: 33,000 bytes in UTF-8 though only 11,000 UTF-16 units.
    expect(reasonOf(trackEvent({ properties: { t: '€'.repeat(11_000) } })).reason).toContain('32 KB');
    expect(rowOf(trackEvent({ properties: { t: '€'.repeat(10_000) } })).raw.length).toBeGreaterThan(10_000);
  });
});
