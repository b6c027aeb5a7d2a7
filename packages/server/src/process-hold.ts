/**
 * Keeps a Node process alive while the client owes the app an answer: a `close()` or
 * `flush()` in progress, or `track()` calls waiting for room. Node exits when its event loop
 * has nothing ref'd left, and during a collector outage the client's only pending work is a
 * backoff wait on the injected clock, whose timers are unref'd on purpose (an idle client must
 * never keep a process from exiting). Without a hold, `await client.close()` in a SIGTERM
 * handler or at the end of a script ends the process mid-retry, with the promise never
 * settled (exit code 13 under top-level await) and the queue lost.
 *
 * The hold is one ref'd interval for any number of holders, on the real timers whatever the
 * clock: it is about the process, not about time. Elsewhere (edge runtimes) it is harmless.
 */
export class ProcessHold {
  #holders = 0;
  #timer: ReturnType<typeof setInterval> | undefined;

  /**
   * Hold the process open until the returned function is called.
   *
   * @returns release; calling it more than once is harmless
   * @example const release = hold.acquire(); try { await work(); } finally { release(); }
   */
  acquire(): () => void {
    if (this.#holders++ === 0) this.#timer = setInterval(noop, HOLD_INTERVAL_MS);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      if (--this.#holders === 0) clearInterval(this.#timer);
    };
  }
}

/** The interval never does anything; its period only has to be valid (at most 2^31 − 1 ms). */
const HOLD_INTERVAL_MS = 3_600_000;

function noop(): void {}
