import { afterEach, describe, expect, it, vi } from 'vitest';
import { contextBytes, eventBytes, eventJson, utf8Length } from './event-json.js';
import type { TidemarkEvent } from './wire.js';

const samples = ['', 'ascii', '\u007f', '\u0080', 'é', '€uro', '😀 emoji', 'mixed ü € 😀 text', 'x'.repeat(1000), `${'x'.repeat(999)}é`];

describe('utf8Length', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('counts UTF-8 bytes with Node’s Buffer', () => {
    for (const s of samples) expect(utf8Length(s)).toBe(new TextEncoder().encode(s).length);
  });

  it('counts UTF-8 bytes without Buffer, as in browsers (into the scratch buffer, or a copy for long texts)', () => {
    vi.stubGlobal('Buffer', undefined);
    const long = ['😀'.repeat(5_000), 'é€'.repeat(4_097), 'x'.repeat(8_193)]; // past the scratch buffer
    for (const s of [...samples, ...long]) expect(utf8Length(s)).toBe(new TextEncoder().encode(s).length);
  });

  it('counts ASCII text without the encoder, whose call costs more than the scan', async () => {
    const real = new TextEncoder();
    const encodeInto = vi.fn((text: string, into: Uint8Array) => real.encodeInto(text, into));
    vi.stubGlobal('Buffer', undefined);
    vi.stubGlobal('TextEncoder', class { encodeInto = encodeInto; });
    // A fresh module, whose scratch encoder is made from the stub.
    vi.resetModules();
    const { utf8Length } = await import('./event-json.js');
    expect(utf8Length(`{"type":"track","event":"Item Viewed","properties":{"i":1}}`)).toBe(59);
    expect(utf8Length('\u007f'.repeat(3))).toBe(3);
    expect(encodeInto).not.toHaveBeenCalled();
    expect(utf8Length('ascii then é')).toBe(13);
    expect(encodeInto).toHaveBeenCalledTimes(1);
  });
});

describe('eventJson', () => {
  it('serializes once per event object', () => {
    const event = { messageId: 'm1', type: 'track' } as TidemarkEvent;
    const first = eventJson(event);
    expect(JSON.parse(first)).toEqual(event);
    (event as { type: string }).type = 'changed';
    expect(eventJson(event)).toBe(first);
  });
});

describe('eventBytes', () => {
  it("is the UTF-8 size of the event's JSON, computed once per event object", () => {
    const event = { messageId: 'm1', type: 'track', event: 'Café € 😀' } as TidemarkEvent;
    const bytes = eventBytes(event);
    expect(bytes).toBe(new TextEncoder().encode(JSON.stringify(event)).length);
    (event as { event: string }).event = 'a much longer name than before';
    expect(eventBytes(event)).toBe(bytes);
  });
});

describe('eventJson with a shared context', () => {
  const make = (i: number, context: object) => ({ type: 'track', event: `e${i}`, messageId: `m${i}`, properties: { i }, context }) as unknown as TidemarkEvent;

  it('gives each event of one context its own JSON, as JSON.stringify would, and leaves the event whole', () => {
    const context = { library: { name: 'x', version: '1' }, page: { path: '/é' }, sessionId: 7 };
    const events = Array.from({ length: 5 }, (_, i) => make(i, context));
    for (const event of events) {
      expect(eventJson(event)).toBe(JSON.stringify(event)); // context is the last field here, as the client builds events
      expect(event.context).toBe(context);
    }
  });

  it('keeps the fields when the context is not last, and serializes frozen events and events without context', () => {
    const context = { sessionId: 1 };
    const first = { context, type: 'track', messageId: 'a' } as unknown as TidemarkEvent;
    const second = { context, type: 'track', messageId: 'b' } as unknown as TidemarkEvent;
    const frozen = Object.freeze({ type: 'track', messageId: 'c', context }) as unknown as TidemarkEvent;
    const bare = { type: 'track', messageId: 'd' } as TidemarkEvent;
    for (const event of [first, second, frozen, bare]) expect(JSON.parse(eventJson(event))).toEqual(JSON.parse(JSON.stringify(event)));
    expect(frozen.context).toBe(context);
  });

  it('measures each event of a shared context as the UTF-8 size of its whole JSON, the context once', () => {
    vi.stubGlobal('Buffer', undefined); // as in browsers, where the parts are measured apart
    try {
      const context = { page: { title: 'Café € 😀' }, sessionId: 9 };
      const events = [...Array.from({ length: 4 }, (_, i) => make(i, context)), { context } as unknown as TidemarkEvent];
      const bytes = (e: TidemarkEvent) => new TextEncoder().encode(JSON.stringify(e)).length;
      for (const event of events) expect(eventBytes(event)).toBe(bytes(event));
      expect(contextBytes(context)).toBe(new TextEncoder().encode(JSON.stringify(context)).length);
    } finally {
      vi.unstubAllGlobals();
    }
  });
});
