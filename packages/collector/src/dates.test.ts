import { describe, expect, it } from 'vitest';
import { parseDay, parseIsoTimestamp } from './dates.js';

/** Days in a month as a `Date` counts them (setUTCFullYear: Date.UTC maps years 0–99 to 19xx). */
function dateDays(year: number, month: number): number {
  const d = new Date(0);
  d.setUTCFullYear(year, month, 0);
  return d.getUTCDate();
}

describe('parseIsoTimestamp', () => {
  it('takes every real day and refuses every impossible one, leap years included', () => {
    for (const year of [0, 4, 100, 1900, 1999, 2000, 2023, 2024, 2025, 2100, 2400, 9999]) {
      const y = String(year).padStart(4, '0');
      for (let month = 0; month <= 13; month++) {
        for (let day = 0; day <= 32; day++) {
          const text = `${y}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}T12:00:00Z`;
          const real = month >= 1 && month <= 12 && day >= 1 && day <= dateDays(year, month);
          expect(parseIsoTimestamp(text), text).toBe(real ? Date.parse(text) : null);
        }
      }
    }
  });

  it('reads the forms clients send, with their zones', () => {
    expect(parseIsoTimestamp('2025-01-18T14:30:00Z')).toBe(1737210600000);
    expect(parseIsoTimestamp('2025-01-18T14:30:00.123Z')).toBe(1737210600123);
    expect(parseIsoTimestamp('2025-01-18T16:30:00+02:00')).toBe(1737210600000);
    expect(parseIsoTimestamp('2025-01-18')).toBe(Date.UTC(2025, 0, 18));
    expect(parseIsoTimestamp('2024-02-29T00:00Z')).toBe(Date.UTC(2024, 1, 29));
  });

  it('refuses loose forms Date.parse would take', () => {
    for (const text of ['March 7', '2025-1-18', '2025-01-18 14:30:00', '2025-01-18T14:30:00', '2025-02-29T00:00:00Z', '', '12345-01-01']) {
      expect(parseIsoTimestamp(text), text).toBeNull();
    }
  });
});

describe('parseDay', () => {
  it('reads real days as UTC midnight and refuses the rest', () => {
    expect(parseDay('2025-01-31')).toBe(Date.UTC(2025, 0, 31));
    expect(parseDay('2024-02-29')).toBe(Date.UTC(2024, 1, 29));
    for (const text of ['2025-02-29', '2025-04-31', '2025-13-01', '2025-00-01', '2025-01-00', '2025-01-31T00:00Z']) expect(parseDay(text), text).toBeNull();
  });
});
