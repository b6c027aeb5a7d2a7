import { afterEach, describe, expect, it, vi } from 'vitest';
import { eventBytes, eventJson, utf8Length } from './event-json.js';
import type { TidemarkEvent } from './wire.js';

const samples = ['', 'ascii', 'é', '€uro', '😀 emoji', 'mixed ü € 😀 text', 'x'.repeat(1000)];

describe('utf8Length', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('counts UTF-8 bytes with Node’s Buffer', () => {
    for (const s of samples) expect(utf8Length(s)).toBe(new TextEncoder().encode(s).length);
  });

  it('counts UTF-8 bytes without Buffer, as in browsers (encoder, then the loop for long texts)', () => {
    vi.stubGlobal('Buffer', undefined);
    const long = ['😀'.repeat(5_000), 'é€'.repeat(4_097), 'x'.repeat(8_193)]; // past the scratch buffer
    for (const s of [...samples, ...long]) expect(utf8Length(s)).toBe(new TextEncoder().encode(s).length);
  });

  it('counts UTF-8 bytes with neither Buffer nor TextEncoder', () => {
    const bytes = (s: string) => new TextEncoder().encode(s).length;
    const expected = samples.map(bytes);
    vi.stubGlobal('Buffer', undefined);
    vi.stubGlobal('TextEncoder', undefined);
    expect(samples.map((s) => utf8Length(s))).toEqual(expected);
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
