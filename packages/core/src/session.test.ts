import { describe, expect, it } from 'vitest';
import { memoryKeyValue, type KeyValueStorage } from './key-value.js';
import { SessionTracker, SESSION_KEY } from './session.js';
import { manualClock } from '@tidemark/test-kit';

const MIN = 60_000;

describe('SessionTracker', () => {
  it('starts a session whose ID is its start time, and keeps it while active', async () => {
    const clock = manualClock();
    const starts: number[] = [];
    const s = new SessionTracker(memoryKeyValue(), clock, 30 * MIN, (id) => starts.push(id));
    const first = s.touch();
    expect(first).toBe(clock.now());
    await clock.advance(29 * MIN);
    expect(s.touch()).toBe(first);
    await clock.advance(29 * MIN);
    expect(s.touch()).toBe(first);
    expect(starts).toEqual([first]);
  });

  it('starts a new session after the idle timeout', async () => {
    const clock = manualClock();
    const starts: number[] = [];
    const s = new SessionTracker(memoryKeyValue(), clock, 30 * MIN, (id) => starts.push(id));
    const first = s.touch();
    await clock.advance(30 * MIN);
    const second = s.touch();
    expect(second).toBe(first + 30 * MIN);
    expect(starts).toEqual([first, second]);
  });

  it('shares one session between trackers on one storage (tabs)', async () => {
    const clock = manualClock();
    const storage = memoryKeyValue();
    const starts: number[] = [];
    const a = new SessionTracker(storage, clock, 30 * MIN, (id) => starts.push(id));
    const id = a.touch();
    await clock.advance(10 * MIN);
    const b = new SessionTracker(storage, clock, 30 * MIN, (x) => starts.push(x));
    expect(b.touch()).toBe(id);
    // Tab B keeps the session alive; tab A, idle for 40 min, must adopt rather than restart.
    for (let i = 0; i < 4; i++) {
      await clock.advance(10 * MIN);
      b.touch();
    }
    expect(a.touch()).toBe(id);
    expect(starts).toEqual([id]);
  });

  it('follows storage events from other tabs', () => {
    const clock = manualClock();
    let notify: (key: string, value: string | null) => void = () => {};
    const base = memoryKeyValue();
    const storage: KeyValueStorage = { ...base, subscribe: (l) => ((notify = l), () => {}) };
    const s = new SessionTracker(storage, clock, 30 * MIN, () => {});
    s.touch();
    notify(SESSION_KEY, `123.${clock.now() + 5}`);
    expect(s.id).toBe(123);
  });

  it('end() makes the next touch start a new session', async () => {
    const clock = manualClock();
    const starts: number[] = [];
    const s = new SessionTracker(memoryKeyValue(), clock, 30 * MIN, (id) => starts.push(id));
    s.touch();
    await clock.advance(5);
    s.end();
    s.touch();
    expect(starts).toHaveLength(2);
  });
});
