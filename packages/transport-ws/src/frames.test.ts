import { describe, expect, it } from 'vitest';
import { frameOf, parseServerMessage, utf8Length } from './frames.js';

describe('frames', () => {
  it('joins serialized events into a { data } frame', () => {
    expect(JSON.parse(frameOf(['{"id":"a"}', '{"id":"b"}']))).toEqual({ data: [{ id: 'a' }, { id: 'b' }] });
    expect(JSON.parse(frameOf([]))).toEqual({ data: [] });
  });

  it('counts UTF-8 bytes like TextEncoder', () => {
    for (const text of ['', 'abc', 'né', '€', '😀 ok', 'mixed ü € 😀'.repeat(50)]) {
      expect(utf8Length(text)).toBe(new TextEncoder().encode(text).length);
    }
  });

  it('reads acks, matching numbers and strings alike and dropping other entries', () => {
    expect(parseServerMessage('{"reportedIds":["a",7,null,{"x":1}]}')).toEqual({ kind: 'ack', ids: ['a', '7'] });
  });

  it('tells server errors from malformed messages', () => {
    expect(parseServerMessage('{"error":"malformed frame"}')).toEqual({ kind: 'error', message: 'malformed frame' });
    expect(parseServerMessage('{"error":{"code":3}}')).toEqual({ kind: 'error', message: '{"code":3}' });
    for (const junk of ['nope', '[]', 'null', '{"reportedIds":"a"}', '{}']) {
      expect(parseServerMessage(junk).kind).toBe('malformed');
    }
    expect(parseServerMessage(new ArrayBuffer(3))).toEqual({ kind: 'malformed', sample: '[object ArrayBuffer]' });
  });
});
