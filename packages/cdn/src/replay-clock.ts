import { systemClock, type Clock } from '@tidemark/core';

/** A {@link Clock} whose `now()` can be pinned to the time a queued call was made. */
export interface ReplayClock extends Clock {
  /** While set, `now()` returns it: the time of the call being replayed. */
  at: number | undefined;
}

/**
 * The clock of the script-tag client. Replaying a call queued before the bundle arrived pins
 * `now()` to the call's time, so its event carries the timestamp of the moment the page made
 * it (and a session started by it starts then), not the moment the bundle loaded.
 *
 * @param inner - the clock to follow when no call is being replayed @default systemClock
 * @returns the clock
 * @example const clock = replayClock(); clock.at = queuedAt; client.track(name); clock.at = undefined;
 */
export function replayClock(inner: Clock = systemClock): ReplayClock {
  const clock: ReplayClock = {
    at: undefined,
    now: () => clock.at ?? inner.now(),
    setTimeout: (fn, ms) => inner.setTimeout(fn, ms),
    clearTimeout: (handle) => inner.clearTimeout(handle),
  };
  return clock;
}
