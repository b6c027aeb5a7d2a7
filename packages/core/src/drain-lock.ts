/**
 * Lets one client at a time drain a queue that several share (the tabs of an origin).
 * `run` calls `fn` while holding the lock and resolves with its result, or with `undefined`
 * without calling it when `wait` is false and another holder has the lock.
 */
export interface DrainLock {
  run<T>(fn: () => Promise<T>, wait: boolean): Promise<T | undefined>;
}

/**
 * Name of the drain lock of a write key's queue: one per queue, shared by the origin's tabs
 * and its service worker.
 *
 * @param writeKey - the queue's write key
 * @returns the lock name
 */
export const drainLockName = (writeKey: string): string => `tidemark-drain-${writeKey}`;

interface LockManagerLike {
  request(name: string, options: { ifAvailable?: boolean }, fn: (lock: unknown) => Promise<unknown>): Promise<unknown>;
}

/**
 * A lock held only within this JS realm: enough where one process owns the queue
 * (Node, Electron's main process).
 *
 * @returns a fresh lock
 */
export function localLock(): DrainLock {
  let held: Promise<unknown> | undefined;
  return {
    async run(fn, wait) {
      while (held) {
        if (!wait) return undefined;
        await held.catch(() => {});
      }
      const running = fn();
      held = running;
      try {
        return await running;
      } finally {
        held = undefined;
      }
    },
  };
}

/**
 * A lock across the tabs of an origin on the Web Locks API. The browser releases it when a
 * tab dies mid-send, so the events that tab was sending stay queued for the next drainer.
 *
 * @param locks - `navigator.locks`
 * @param name - lock name; one per queue
 * @returns the lock
 */
export function webLock(locks: LockManagerLike, name: string): DrainLock {
  return {
    async run<T>(fn: () => Promise<T>, wait: boolean) {
      let result: T | undefined;
      await locks.request(name, { ifAvailable: !wait }, async (lock) => {
        if (lock) result = await fn();
      });
      return result;
    },
  };
}

/** Minimal synchronous storage for {@link leaseLock}. */
interface LeaseStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

/**
 * Fallback where Web Locks are absent: a lease in localStorage that expires, so a tab that
 * died holding it blocks the others for at most `ttlMs`. Two tabs can race to take a lease;
 * the worst outcome is one batch sent twice, which the collector dedupes by `messageId`.
 *
 * @param storage - `localStorage`
 * @param name - lease key
 * @param ttlMs - lease lifetime, renewed while draining
 * @returns the lock
 */
export function leaseLock(storage: LeaseStorage, name: string, ttlMs = 10_000): DrainLock {
  const me = Math.random().toString(36).slice(2);
  const local = localLock();
  const holder = () => {
    const [owner, until] = (storage.getItem(name) ?? '').split(' ');
    return owner && Number(until) > Date.now() ? owner : undefined;
  };
  return {
    run(fn, wait) {
      return local.run(async () => {
        for (let tries = 0; ; tries++) {
          const owner = holder();
          if (!owner || owner === me) break;
          if (!wait || tries > ttlMs / 100) return undefined;
          await new Promise<void>((r) => setTimeout(() => r(), 100));
        }
        storage.setItem(name, `${me} ${Date.now() + ttlMs}`);
        const renew = setInterval(() => storage.setItem(name, `${me} ${Date.now() + ttlMs}`), ttlMs / 2);
        try {
          return await fn();
        } finally {
          clearInterval(renew);
          if (holder() === me) storage.removeItem(name);
        }
      }, wait);
    },
  };
}
