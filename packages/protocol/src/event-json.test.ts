import { afterEach, describe, expect, it, vi } from 'vitest';
import { eventJson, utf8Length } from './event-json.js';
import type { TidemarkEvent } from './wire.js';

const samples = ['', 'ascii', 'é', '€uro', '😀 emoji', 'mixed ü € 😀 text', 'x'.repeat(1000)];

describe('utf8Length', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('counts UTF-8 bytes with Node’s Buffer', () => {
    for (const s of samples) expect(utf8Length(s)).toBe(new TextEncoder().encode(s).length);
  });

  it('counts UTF-8 bytes without Buffer, as in browsers', () => {
    vi.stubGlobal('Buffer', undefined);
    for (const s of samples) expect(utf8Length(s)).toBe(new TextEncoder().encode(s).length);
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
