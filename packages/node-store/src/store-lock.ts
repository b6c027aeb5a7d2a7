import { join, resolve } from 'node:path';
import type { StoreFs } from './store-fs.js';

/** Name of the lock file inside a FileStore directory. */
export const LOCK_FILE = 'lock';

/** Outcome of {@link acquireStoreLock}. */
export type StoreLock =
  /** This process owns the directory; `release` removes the lock file. */
  | { held: true; release: () => Promise<void> }
  /** Another live process (`pid`) owns it. */
  | { held: false; pid: number };

/** Directories locked by this process: a PID cannot tell two stores of one process apart. */
const heldHere = new Set<string>();

/** Whether a process exists. `EPERM` means it exists but belongs to another user. */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Take the one-writer lock of a FileStore directory: a `lock` file holding the owner's PID.
 * Two processes appending to the same segments would interleave records and reuse keys, so
 * a second instance (an Electron app started without `app.requestSingleInstanceLock()`, a
 * second server process given the same spool directory) keeps its events in memory instead. A lock left by a crashed process is taken over: its PID is gone,
 * or it is our own PID reused after a restart.
 *
 * @param fs - the file system
 * @param dir - the store directory (exists)
 * @returns the lock, or the PID of the live owner
 * @throws the file-system error when the lock file can be neither made nor read
 */
export async function acquireStoreLock(fs: StoreFs, dir: string): Promise<StoreLock> {
  const id = resolve(dir);
  if (heldHere.has(id)) return { held: false, pid: process.pid };
  // Claimed before the first await: two stores of this process opening at once would
  // otherwise both get here, and the second would take the first one's lock (its own PID
  // reads as stale) and write the same files.
  heldHere.add(id);
  try {
    return await takeLock(fs, join(dir, LOCK_FILE), () => heldHere.delete(id));
  } catch (err) {
    heldHere.delete(id);
    throw err;
  }
}

/** How many times (50 ms apart) an empty lock file is read again before it counts as stale. */
const LOCK_WRITE_CHECKS = 10;

/** A lock file's owner, waiting a little for one another process has created but not yet written. */
async function lockOwner(fs: StoreFs, path: string): Promise<number | undefined> {
  for (let attempt = 0; ; attempt++) {
    const pid = Number(new TextDecoder().decode(await fs.readFile(path)).trim());
    if (Number.isInteger(pid) && pid > 0) return pid;
    if (attempt === LOCK_WRITE_CHECKS) return undefined; // it died before writing its PID
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Create the lock file, taking a stale one over once; `forget` drops this process's claim when the lock is not (or no longer) ours. */
async function takeLock(fs: StoreFs, path: string, forget: () => void): Promise<StoreLock> {
  for (let attempt = 0; ; attempt++) {
    try {
      const handle = await fs.open(path, 'wx');
      try {
        const text = new TextEncoder().encode(String(process.pid));
        await handle.write(text, 0, text.length);
      } finally {
        await handle.close();
      }
      return {
        held: true,
        release: async () => {
          forget();
          await fs.unlink(path).catch(() => {});
        },
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 0) throw err;
    }
    const pid = await lockOwner(fs, path);
    if (pid !== undefined && pid !== process.pid && isAlive(pid)) {
      forget();
      return { held: false, pid };
    }
    // Stale: its owner died (or wrote garbage before dying), or it is our own PID left by an
    // earlier run (this process holds no store of the directory). Take it over once.
    await fs.unlink(path).catch(() => {});
  }
}
