import { describe, expect, it } from 'vitest';
import { messageId, messageIds } from './message-id.js';

describe('messageIds', () => {
  it('shares a 12-character random prefix per source and counts in base 36', () => {
    const next = messageIds();
    const ids = Array.from({ length: 40 }, next);
    expect(new Set(ids).size).toBe(40);
    expect(new Set(ids.map((id) => id.slice(0, 12))).size).toBe(1);
    expect(ids[0]!.slice(12)).toBe('0');
    expect(ids[37]!.slice(12)).toBe('11');
    expect(messageIds()().slice(0, 12)).not.toBe(ids[0]!.slice(0, 12));
    for (const id of ids) expect(id).toMatch(/^[A-Za-z0-9_-]{13,23}$/);
  });

  it('draws fresh IDs from the same alphabet', () => {
    expect(messageId()).toMatch(/^[A-Za-z0-9_-]{21}$/);
  });
});
