import type { Lifecycle, Unsubscribe } from '@tidemark/core';
import type { ElectronNet, ElectronPowerMonitor } from './electron-types.js';

/** A {@link Lifecycle} that holds listeners on Electron modules until `dispose()`. */
export interface MainLifecycle extends Lifecycle {
  /** Stop polling and remove the `powerMonitor` listeners. */
  dispose(): void;
}

/** Options of {@link electronLifecycle}. */
export interface ElectronLifecycleOptions {
  /** How often to ask `net.isOnline()` while someone listens for `online`, in ms. @default 15000 */
  pollMs?: number;
}

/**
 * Connectivity and "last moment" signals of Electron's main process. Online state comes from
 * Chromium (`net.isOnline()`); the main process gets no event when it changes, so it is
 * polled, and checked again on `resume` after sleep, which also counts as coming online (the
 * backoff of a failed send should not outlast a night of sleep). `suspend` and `shutdown` are
 * the moments before the machine sleeps or powers off: the core treats them like a page hide.
 *
 * Sleep needs no more than that for sessions: the session clock is wall time, so a night in
 * suspend is a night of inactivity, and the first event after waking starts a new session.
 *
 * @param electron - `net` and `powerMonitor`
 * @param options - polling interval
 * @returns the lifecycle
 */
export function electronLifecycle(electron: { net: ElectronNet; powerMonitor: ElectronPowerMonitor }, options: ElectronLifecycleOptions = {}): MainLifecycle {
  const { net, powerMonitor } = electron;
  const pollMs = options.pollMs ?? 15_000;
  const online = new Set<() => void>();
  const hide = new Set<() => void>();
  const isOnline = () => {
    try {
      return net.isOnline();
    } catch {
      return true; // an Electron without net.isOnline(): try to send and let failures back off
    }
  };
  const fire = (listeners: Set<() => void>) => {
    for (const listener of [...listeners]) {
      try {
        listener();
      } catch {
        // One listener's failure must not stop the others.
      }
    }
  };
  let wasOnline = isOnline();
  let timer: ReturnType<typeof setInterval> | undefined;
  const check = () => {
    const now = isOnline();
    if (now && !wasOnline) fire(online);
    wasOnline = now;
  };
  const onResume = () => {
    wasOnline = isOnline();
    if (wasOnline) fire(online);
  };
  const onSuspend = () => fire(hide);
  powerMonitor.on('resume', onResume);
  powerMonitor.on('suspend', onSuspend);
  powerMonitor.on('shutdown', onSuspend);

  const subscribe = (set: Set<() => void>, listener: () => void): Unsubscribe => {
    set.add(listener);
    if (set === online && !timer) {
      timer = setInterval(check, pollMs);
      (timer as { unref?: () => void }).unref?.();
    }
    return () => {
      set.delete(listener);
      if (!online.size && timer) clearInterval(timer), (timer = undefined);
    };
  };

  return {
    isOnline,
    onOnline: (listener) => subscribe(online, listener),
    onHide: (listener) => subscribe(hide, listener),
    dispose() {
      if (timer) clearInterval(timer);
      timer = undefined;
      online.clear();
      hide.clear();
      powerMonitor.removeListener('resume', onResume);
      powerMonitor.removeListener('suspend', onSuspend);
      powerMonitor.removeListener('shutdown', onSuspend);
    },
  };
}
