import { describe, expect, it } from 'vitest';
import type { EventRow } from './row.js';
import { packRows, unpackRows } from './row-pack.js';

// Every field set, and set differently in each row, so a field packed into another's place
// or left out does not read back equal.
const full: EventRow = {
  key: 'k1',
  messageId: 'm1',
  type: 'identify',
  name: 'identify',
  anonymousId: 'anon-1',
  userId: 'user-1',
  sessionId: '1737210600000',
  clientMs: 1,
  eventMs: 2,
  receivedMs: 3,
  source: 'wk_1',
  flags: ['future_timestamp', 'no_sent_at'],
  raw: '{"type":"identify"}',
  traits: { plan: 'pro', nested: { a: [1, 2] } },
  startsSession: true,
};
const bare: EventRow = {
  key: 'k2',
  messageId: 'm2',
  type: 'track',
  name: 'Clicked',
  anonymousId: null,
  userId: null,
  sessionId: null,
  clientMs: 10,
  eventMs: 20,
  receivedMs: 30,
  source: 'wk_2',
  flags: [],
  raw: '{"type":"track"}',
  traits: null,
  startsSession: false,
};

describe('packRows', () => {
  it('reads back every field of every row, in order', () => {
    expect(unpackRows(packRows([full, bare, full]))).toEqual([full, bare, full]);
  });

  it('reads back the same after a structured clone, as the writer thread receives it', () => {
    expect(unpackRows(structuredClone(packRows([bare, full])))).toEqual([bare, full]);
  });

  it('holds values only: no property names to clone', () => {
    const packed = packRows([full, bare]);
    expect(packed.every((v) => v === null || typeof v !== 'object' || v === full.traits)).toBe(true);
    expect(packed).toHaveLength(30);
  });

  it('packs no rows as an empty list', () => {
    expect(unpackRows(packRows([]))).toEqual([]);
  });
});
