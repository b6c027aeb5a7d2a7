import { describe, expect, it } from 'vitest';
import type { TidemarkEvent } from '@tidemark/core';
import { batchBody, chunkEvents } from './chunk.js';

const contexts = [
  { library: { name: 'tidemark', version: '1' }, sessionId: 1, page: { path: '/a', title: 'A — ü €' } },
  { library: { name: 'tidemark', version: '1' }, sessionId: 1, page: { path: '/b', title: 'B' }, userAgent: 'x'.repeat(400) },
  { library: { name: 'tidemark', version: '1' }, sessionId: 2 },
];

/** A deterministic mix: runs of events sharing a context object, copies of it, other contexts, none. */
function mixedEvents(n: number): TidemarkEvent[] {
  let seed = 7;
  const next = () => (seed = (seed * 48271) % 2147483647) / 2147483647;
  return Array.from({ length: n }, (_, i) => {
    const pick = next();
    const context = pick < 0.5 ? contexts[0] : pick < 0.7 ? { ...contexts[0] } : pick < 0.85 ? contexts[1] : pick < 0.97 ? contexts[2] : undefined;
    return { type: 'track', event: 'e', messageId: `m${i}`, timestamp: '2026-12-02T08:00:00.000Z', anonymousId: 'a1', properties: { pad: 'é'.repeat(Math.floor(next() * 300)) }, ...(context && { context }) } as unknown as TidemarkEvent;
  });
}

describe('chunkEvents', () => {
  it('keeps every body within the byte and event limits, whether its events share a context or not', () => {
    const events = mixedEvents(3_000);
    for (const [maxBytes, maxEvents] of [[60 * 1024, 500], [8 * 1024, 500], [500 * 1024, 40]] as const) {
      const chunks = chunkEvents(events, maxBytes, maxEvents);
      expect(chunks.flat()).toEqual(events);
      for (const chunk of chunks) {
        expect(chunk.length).toBeLessThanOrEqual(maxEvents);
        expect(Buffer.byteLength(batchBody(chunk, 'wk_'.padEnd(100, 'k')))).toBeLessThanOrEqual(maxBytes);
      }
    }
  });

  it('fills a body with events that share a context past what their full sizes would allow', () => {
    const events = Array.from({ length: 200 }, (_, i) => ({ type: 'track', event: 'e', messageId: `m${i}`, anonymousId: 'a1', context: contexts[1] }) as unknown as TidemarkEvent);
    const [first] = chunkEvents(events, 16 * 1024, 500);
    expect(first!.length * JSON.stringify(events[0]).length).toBeGreaterThan(2 * 16 * 1024);
  });
});
