import { TidemarkError, type QueueEntry, type TidemarkEvent } from '@tidemark/core';
import type { QueuedEvent } from './send-queue.js';
import { sizeEvent } from './intake.js';
import type { SpoolOptions } from './server-options.js';

/** What the spool needs of `@tidemark/node-store`'s FileStore. */
interface SpoolStore {
  /** `'file'` while the events are on disk; `'memory'` after a disk failure or without the lock. */
  readonly kind: string;
  append(events: TidemarkEvent[]): Promise<string[]>;
  peek(limit: number): Promise<QueueEntry[]>;
  remove(keys: string[]): Promise<void>;
  close(): Promise<void>;
}

/**
 * The store's package, named at run time: a string literal in `import()` would make bundlers
 * for edge runtimes (esbuild in wrangler, webpack in Next.js) pull `node:fs` into bundles that
 * can never use a spool, and fail there. Node resolves it as the dependency it is.
 */
const NODE_STORE = ['@tidemark', 'node-store'].join('/');

/**
 * The server client's durable spool: its queue mirrored in the fsynced, append-only files of
 * `@tidemark/node-store` (the store Electron's main process uses). Events enter the send queue
 * only once they are on disk, each with its key; they leave the files when the collector
 * stored or refused them, or when the queue bound dropped them. A crash, `kill -9` or a
 * `close()` that gave up leaves the rest for the next client on the directory.
 *
 * The store is imported when a spool is asked for (see {@link NODE_STORE}); where it cannot
 * load, the client reports it once and keeps its events in memory. Nothing here throws.
 */
export class Spool {
  readonly #store: Promise<SpoolStore | undefined>;
  /** Removals not yet recorded, so `close()` can wait for them. */
  readonly #removing = new Set<Promise<void>>();

  /**
   * @param options - the spool directory
   * @param onWarning - told about storage problems (`storage_unavailable`)
   */
  constructor(options: SpoolOptions, onWarning: (error: TidemarkError) => void) {
    this.#store = (import(/* @vite-ignore */ NODE_STORE) as Promise<typeof import('@tidemark/node-store')>).then(
      ({ FileStore }) => new FileStore({ dir: options.dir, onWarning }),
      (cause: unknown) => {
        onWarning(new TidemarkError('storage_unavailable', `the spool needs @tidemark/node-store and a file system (Node); events are kept in memory only`, cause));
        return undefined;
      },
    );
  }

  /**
   * What earlier clients left in the directory, oldest first, sized and keyed. An event that
   * cannot be sent (written by another version, edited by hand) is taken out of the files.
   *
   * @returns the events, and the errors of those taken out
   */
  async backlog(): Promise<{ items: QueuedEvent[]; refused: TidemarkError[] }> {
    const store = await this.#store;
    const entries = store ? await store.peek(Number.MAX_SAFE_INTEGER) : [];
    const items: QueuedEvent[] = [];
    const refused: TidemarkError[] = [];
    const bad: string[] = [];
    for (const { key, event } of entries) {
      // Read back from disk, so no cached text to reuse.
      const sized = sizeEvent(event, JSON.stringify);
      if (sized instanceof TidemarkError) bad.push(key), refused.push(sized);
      else (sized.key = key), items.push(sized);
    }
    if (bad.length) this.#track(store?.remove(bad));
    return { items, refused };
  }

  /**
   * Write events; resolves once they are durable, with each item's `key` set.
   *
   * @param items - sized events, in order
   * @param events - their events, in the same order
   */
  async append(items: QueuedEvent[], events: TidemarkEvent[]): Promise<void> {
    const store = await this.#store;
    if (!store || items.length === 0) return;
    const keys = await store.append(events);
    items.forEach((item, i) => (item.key = keys[i]));
  }

  /**
   * Take events out of the files (delivered, refused or dropped); the removal is recorded
   * in the background, in the store's next group commit.
   *
   * @param items - events that carry a key
   */
  remove(items: QueuedEvent[]): void {
    const keys: string[] = [];
    for (const item of items) if (item.key !== undefined) keys.push(item.key);
    if (keys.length) this.#track(this.#store.then((store) => store?.remove(keys)));
  }

  /**
   * Record pending removals and release the files and their lock.
   *
   * @returns whether the events still queued are on disk for the next start (not so when
   *   the store could not get the directory's lock, or fell back to memory)
   */
  async close(): Promise<boolean> {
    await Promise.all(this.#removing);
    const store = await this.#store;
    const durable = store?.kind === 'file';
    await store?.close();
    return durable;
  }

  #track(work: Promise<void> | undefined): void {
    if (!work) return;
    const tracked: Promise<void> = work.catch(() => undefined).finally(() => this.#removing.delete(tracked));
    this.#removing.add(tracked);
  }
}
