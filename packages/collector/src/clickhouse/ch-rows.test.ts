import { describe, expect, it } from 'vitest';
import type { EventRow } from '../store/row.js';
import { OrderClock, dayOf, orNull, toChRow, verOf, wellFormed } from './ch-rows.js';

const row: EventRow = {
  key: 'k1',
  messageId: 'k1',
  type: 'identify',
  name: 'identify',
  anonymousId: null,
  userId: 'ada',
  sessionId: '17',
  clientMs: Date.parse('2025-06-30T23:59:59.999Z'),
  eventMs: Date.parse('2025-07-01T00:00:01Z'),
  receivedMs: 1,
  source: 'wk',
  flags: ['no_sent_at'],
  raw: '{}',
  traits: { plan: 'pro' },
  startsSession: false,
};

describe('ClickHouse rows', () => {
  it('key the day on the client time as sent, and store absent IDs as empty strings', () => {
    const ch = toChRow(row, 5);
    expect(ch).toMatchObject({ day: '2025-06-30', anonymous_id: '', user_id: 'ada', session_key: 'user:ada/17', user_key: 'user:ada', flags: 'no_sent_at', traits: '{"plan":"pro"}', ord: 5, ver: verOf(5) });
    expect(orNull(ch.anonymous_id)).toBeNull();
  });

  it('keep the earliest copy: ver falls as ord grows, and stays an exact JSON number', () => {
    const now = Date.now() * 1000;
    expect(verOf(now)).toBeGreaterThan(verOf(now + 1));
    expect(Number.isSafeInteger(verOf(now))).toBe(true);
  });

  it('clamp days to what a ClickHouse Date holds', () => {
    expect(dayOf(Date.parse('1901-01-01T00:00:00Z'))).toBe('1970-01-01');
    expect(dayOf(Date.parse('2300-01-01T00:00:00Z'))).toBe('2100-12-31');
    expect(dayOf(Date.parse('2025-01-01T12:00:00Z'))).toBe('2025-01-01');
  });

  it('replace lone surrogates only', () => {
    expect(wellFormed('a\ud800b')).toBe('a\ufffdb');
    expect(wellFormed('\udc00')).toBe('\ufffd');
    expect(wellFormed('😀 ok')).toBe('😀 ok');
  });

  it('give strictly increasing positions, even within one microsecond', () => {
    const clock = new OrderClock();
    const positions = Array.from({ length: 10_000 }, () => clock.next());
    expect(positions.every((p, i) => i === 0 || p > positions[i - 1]!)).toBe(true);
  });
});
