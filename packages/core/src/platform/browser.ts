import type { KeyValueStorage } from '../key-value.js';
import { memoryKeyValue } from '../key-value.js';
import type { Lifecycle } from '../lifecycle.js';
import { staticLifecycle } from '../lifecycle.js';
import type { DrainLock } from '../drain-lock.js';
import { leaseLock, localLock, webLock } from '../drain-lock.js';
import { browserGlobals as g, type StorageEventLike, type StorageLike } from './browser-globals.js';

// The browser side of the core's platform interfaces. Everything here feature-detects, so
// the same defaults are safe in Node, workers and Electron's main process.

/** Whether this realm has a DOM window. */
export const hasWindow = (): boolean => typeof g.window !== 'undefined' && typeof g.document !== 'undefined';

/** Whether the visitor sends Global Privacy Control (`navigator.globalPrivacyControl`, https://globalprivacycontrol.org). */
export const gpcEnabled = (): boolean => g.navigator?.globalPrivacyControl === true;

/** `localStorage`, or undefined where it is missing or throws (Safari private mode, sandboxed iframes). */
export function usableLocalStorage(): StorageLike | undefined {
  try {
    const ls = g.localStorage!;
    const probe = '__tm_probe';
    ls.setItem(probe, '1');
    ls.removeItem(probe);
    return ls;
  } catch {
    return undefined;
  }
}

/**
 * Identity and session storage on `localStorage`, shared by the origin's tabs (changes in
 * other tabs arrive through `storage` events); memory where it is unusable.
 *
 * @returns the storage
 */
export function browserStorage(): KeyValueStorage {
  const ls = usableLocalStorage();
  if (!ls) return memoryKeyValue();
  const memory = memoryKeyValue();
  return {
    // A read that throws (storage revoked mid-session) falls back to what we wrote last.
    get: (key) => {
      try {
        return ls.getItem(key);
      } catch {
        return memory.get(key);
      }
    },
    set: (key, value) => {
      memory.set(key, value);
      try {
        ls.setItem(key, value);
      } catch {
        // Quota: the in-memory copy keeps this page consistent.
      }
    },
    remove: (key) => {
      memory.remove(key);
      try {
        ls.removeItem(key);
      } catch {
        // As above.
      }
    },
    keys: () => {
      try {
        return Array.from({ length: ls.length }, (_, i) => ls.key(i)).filter((k): k is string => k !== null);
      } catch {
        return memory.keys!();
      }
    },
    subscribe: (listener) => {
      if (!hasWindow()) return () => {};
      const onStorage = (e: StorageEventLike) => {
        if (e.storageArea === ls && e.key) listener(e.key, e.newValue);
      };
      g.window!.addEventListener('storage', onStorage);
      return () => g.window!.removeEventListener('storage', onStorage);
    },
  };
}

/**
 * Connectivity from `navigator.onLine`/`online`, and page hide from `visibilitychange` →
 * hidden and `pagehide` (never `unload`/`beforeunload`, which break the back/forward cache
 * and do not fire on mobile). Outside a browser: always online, never hidden.
 *
 * @returns the lifecycle
 */
export function browserLifecycle(): Lifecycle {
  if (!hasWindow()) return staticLifecycle;
  const win = g.window!;
  const doc = g.document!;
  return {
    isOnline: () => g.navigator?.onLine !== false,
    onOnline: (listener) => {
      win.addEventListener('online', listener);
      return () => win.removeEventListener('online', listener);
    },
    onHide: (listener) => {
      const onVisibility = () => {
        if (doc.visibilityState === 'hidden') listener();
      };
      doc.addEventListener('visibilitychange', onVisibility);
      win.addEventListener('pagehide', listener);
      return () => {
        doc.removeEventListener('visibilitychange', onVisibility);
        win.removeEventListener('pagehide', listener);
      };
    },
  };
}

/**
 * The drain lock for a queue shared by the origin's tabs: Web Locks, else a localStorage
 * lease, else a lock within this page.
 *
 * @param name - lock name
 * @returns the lock
 */
export function defaultDrainLock(name: string): DrainLock {
  const locks = g.navigator?.locks;
  if (locks && typeof locks.request === 'function') return webLock(locks, name);
  const ls = usableLocalStorage();
  return ls ? leaseLock(ls, name) : localLock();
}
