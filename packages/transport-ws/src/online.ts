import type { Lifecycle, Unsubscribe } from '@tidemark/core';

/** The part of a global scope that fires `online` (a window or a worker). */
interface OnlineTarget {
  addEventListener(type: 'online', listener: () => void): void;
  removeEventListener(type: 'online', listener: () => void): void;
}

/**
 * Listen for connectivity coming back: through `lifecycle` when the app gave one, else
 * through the global `online` event where the runtime has one (Node has none: no-op).
 *
 * @param lifecycle - the app's lifecycle, if any
 * @param listener - called when the host goes online
 * @returns a function that stops listening
 */
export function onlineEvents(lifecycle: Pick<Lifecycle, 'onOnline'> | undefined, listener: () => void): Unsubscribe {
  if (lifecycle) return lifecycle.onOnline(listener);
  const scope = globalThis as Partial<OnlineTarget>;
  if (typeof scope.addEventListener !== 'function' || typeof scope.removeEventListener !== 'function') return () => {};
  const target = scope as OnlineTarget;
  target.addEventListener('online', listener);
  return () => target.removeEventListener('online', listener);
}
