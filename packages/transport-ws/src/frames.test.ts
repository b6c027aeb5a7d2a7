import { describe, expect, it } from 'vitest';
import type { TidemarkEvent } from '@tidemark/core';
import { FRAME_OVERHEAD, encodeEvent, frameOf, parseServerMessage } from './frames.js';

describe('frames', () => {
  it('joins serialized events into a { data, sentAt } frame whose overhead is FRAME_OVERHEAD', () => {
    const sentAt = new Date('2026-05-06T07:08:09.123Z');
    expect(JSON.parse(frameOf(['{"id":"a"}', '{"id":"b"}'], sentAt))).toEqual({ data: [{ id: 'a' }, { id: 'b' }], sentAt: sentAt.toISOString() });
    expect(frameOf([], sentAt)).toHaveLength(FRAME_OVERHEAD);
  });

  it('reads acks, matching numbers and strings alike and dropping other entries', () => {
    expect(parseServerMessage('{"reportedIds":["a",7,null,{"x":1}]}')).toEqual({ kind: 'ack', ids: ['a', '7'], rejected: [] });
  });

  it('reads the collector\'s rejections beside its acks', () => {
    expect(parseServerMessage('{"reportedIds":["a"],"rejected":[{"messageId":"b","reason":"too big"},{"messageId":3},{"reason":"no id"}]}')).toEqual({
      kind: 'ack',
      ids: ['a'],
      rejected: [
        { id: 'b', reason: 'too big' },
        { id: '3', reason: 'rejected by the collector' },
      ],
    });
    expect(parseServerMessage('{"rejected":[]}')).toEqual({ kind: 'ack', ids: [], rejected: [] });
  });

  it('tells server errors from malformed messages', () => {
    expect(parseServerMessage('{"error":"malformed frame"}')).toEqual({ kind: 'error', message: 'malformed frame' });
    expect(parseServerMessage('{"error":{"code":3}}')).toEqual({ kind: 'error', message: '{"code":3}' });
    for (const junk of ['nope', '[]', 'null', '{"reportedIds":"a"}', '{}']) {
      expect(parseServerMessage(junk).kind).toBe('malformed');
    }
    expect(parseServerMessage(new ArrayBuffer(3))).toEqual({ kind: 'malformed', sample: '[object ArrayBuffer]' });
  });

  it('encodes an event, or says why it never can be sent', () => {
    const event = { type: 'track', event: 'x', messageId: 'm', timestamp: 't', anonymousId: 'a', context: { library: { name: 'n', version: '1' }, sessionId: 1 } } as TidemarkEvent;
    const plain = encodeEvent(event, undefined, 1_000);
    expect('json' in plain && JSON.parse(plain.json)).toEqual(event);
    expect(encodeEvent(event, () => ({ id: 'm' }), 1_000)).toEqual({ json: '{"id":"m"}', bytes: 10 });
    expect(encodeEvent(event, undefined, 10)).toMatchObject({ reason: expect.stringMatching(/^event_too_large: \d+ bytes/) });
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    const thrown = encodeEvent(event, () => circular, 1_000);
    expect(thrown).toMatchObject({ reason: 'the event could not be serialized for the socket' });
    expect('cause' in thrown && thrown.cause).toBeInstanceOf(TypeError);
  });
});
