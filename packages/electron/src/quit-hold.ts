import type { ElectronApp, PreventableEvent } from './electron-types.js';

/** Options of {@link holdQuit}. */
export interface HoldQuitOptions {
  app: ElectronApp;
  /** Send what is queued. */
  flush: () => Promise<unknown>;
  /** Flush for at most `timeoutMs`, then release timers and files. */
  close: (timeoutMs: number) => Promise<unknown>;
  /** Longest wait for each of the two steps, in ms. */
  timeoutMs: number;
}

/** Resolve when `work` settles or after `ms`, whichever comes first; never rejects. */
async function bounded(work: () => Promise<unknown>, ms: number): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)));
  try {
    await Promise.race([Promise.resolve().then(work).catch(() => {}), deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Hold the app's quit until the queue is flushed, within a time limit. Electron quits in two
 * steps, and each is held once:
 * 1. `before-quit`: prevent it, flush for at most `timeoutMs`, then call `app.quit()` again.
 *    Windows are still open, so events they send while closing are still taken.
 * 2. `will-quit` (all windows closed): prevent it, close the client (its files are synced),
 *    then `app.quit()` again.
 * The second `before-quit` and `will-quit` pass through untouched, so there is no loop, and
 * a collector that never answers delays the quit by `timeoutMs` at most. What is not sent by
 * then stays on disk for the next launch.
 *
 * @param options - the app, the client's flush and close, and the limit
 * @returns a function that removes the listeners
 */
export function holdQuit(options: HoldQuitOptions): () => void {
  const { app, flush, close, timeoutMs } = options;
  let phase: 'running' | 'flushing' | 'flushed' | 'closing' | 'closed' = 'running';

  const onBeforeQuit = (event: PreventableEvent) => {
    if (phase !== 'running' && phase !== 'flushing') return;
    event.preventDefault();
    if (phase === 'flushing') return; // quit asked twice: one flush is enough
    phase = 'flushing';
    void bounded(flush, timeoutMs).then(() => {
      phase = 'flushed';
      app.quit();
    });
  };

  const onWillQuit = (event: PreventableEvent) => {
    if (phase === 'closing' || phase === 'closed') {
      if (phase === 'closing') event.preventDefault();
      return;
    }
    event.preventDefault();
    // Straight to will-quit (system shutdown on Windows skips before-quit): flush here.
    const flushMs = phase === 'flushed' ? 0 : timeoutMs;
    phase = 'closing';
    void bounded(() => close(flushMs), timeoutMs).then(() => {
      phase = 'closed';
      app.quit();
    });
  };

  app.on('before-quit', onBeforeQuit);
  app.on('will-quit', onWillQuit);
  return () => {
    app.removeListener('before-quit', onBeforeQuit);
    app.removeListener('will-quit', onWillQuit);
  };
}
