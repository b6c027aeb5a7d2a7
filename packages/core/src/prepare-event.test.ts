import { afterEach, describe, expect, it, vi } from 'vitest';
import { prepareEvent } from './prepare-event.js';
import type { TidemarkEvent } from './types.js';

const call = (ms: number, n: number) => ({ type: 'track', event: 'Item Viewed', properties: { n }, messageId: `m${n}`, anonymousId: 'a1', timestamp: ms }) as unknown as TidemarkEvent;

describe('prepareEvent', () => {
  afterEach(() => vi.restoreAllMocks());

  it('formats the time of a call as ISO 8601, once for the events of one millisecond', () => {
    const format = vi.spyOn(Date.prototype, 'toISOString');
    const at = Date.UTC(2026, 11, 3, 11, 0, 0, 7);
    const report = vi.fn();
    const out = [call(at, 1), call(at, 2), call(at, 3), call(at + 1, 4), call(at, 5)].map((event) => prepareEvent(event, { report }));
    expect(out.map((event) => event?.timestamp)).toEqual(['2026-12-03T11:00:00.007Z', '2026-12-03T11:00:00.007Z', '2026-12-03T11:00:00.007Z', '2026-12-03T11:00:00.008Z', '2026-12-03T11:00:00.007Z']);
    expect(format).toHaveBeenCalledTimes(3);
    expect(report).not.toHaveBeenCalled();
  });

  it('leaves a timestamp that is already text as it is', () => {
    const event = { ...call(0, 1), timestamp: '2025-01-18T14:30:00.000Z' } as TidemarkEvent;
    expect(prepareEvent(event, { report: vi.fn() })?.timestamp).toBe('2025-01-18T14:30:00.000Z');
  });
});
