import { TidemarkError } from '@tidemark/core';

/**
 * Where a FileStore keeps its queue.
 * - `file`: on disk, every write fsynced.
 * - `memory`: a write failed (full disk, permission error); in memory until the disk is
 *   tried again, `retryMs` after the failure.
 * - `stuck`: set-up failed (the directory is unusable or owned by another process); in
 *   memory for good.
 * - `closed`: `close()` ran; later calls work in memory only.
 */
export type DiskModeName = 'file' | 'memory' | 'stuck' | 'closed';

/**
 * The fall-back state machine of a FileStore: which mode it is in, when the disk failed, and
 * the one warning per fall into memory. A store never throws over a disk problem; it says
 * so once through `onWarning` and carries on in memory.
 */
export class DiskMode {
  #mode: DiskModeName = 'file';
  #failedAt = 0;
  readonly #dir: string;
  readonly #retryMs: number;
  readonly #onWarning: (error: TidemarkError) => void;

  /**
   * @param dir - the store directory, for messages
   * @param retryMs - how long after a write failure the disk is tried again
   * @param onWarning - the store's warning callback
   */
  constructor(dir: string, retryMs: number, onWarning: (error: TidemarkError) => void) {
    this.#dir = dir;
    this.#retryMs = retryMs;
    this.#onWarning = onWarning;
  }

  /** The current mode. */
  get name(): DiskModeName {
    return this.#mode;
  }

  /** `'file'`, or `'memory'` while the disk cannot be written. */
  get kind(): 'file' | 'memory' {
    return this.#mode === 'file' || this.#mode === 'closed' ? 'file' : 'memory';
  }

  /** In memory after a write failure, and the time to try the disk again has come. */
  retryDue(): boolean {
    return this.#mode === 'memory' && Date.now() - this.#failedAt >= this.#retryMs;
  }

  /**
   * Whether this round goes to disk.
   *
   * @param rewrite - the round would rewrite everything (the only way back from `memory`)
   */
  writes(rewrite: boolean): boolean {
    return this.#mode === 'file' || (this.#mode === 'memory' && rewrite);
  }

  /** A round reached the disk. */
  wrote(): void {
    this.#mode = 'file';
  }

  /**
   * A write failed: go on in memory, and warn unless already there.
   *
   * @param cause - the file-system error
   */
  failed(cause: unknown): void {
    this.#failedAt = Date.now();
    if (this.#mode !== 'file') return; // already in memory: said so once
    this.#mode = 'memory';
    this.#onWarning(
      new TidemarkError('storage_unavailable', `Writing the event queue in ${this.#dir} failed (${errorCode(cause)}); events are kept in memory until the disk works again`, cause),
    );
  }

  /**
   * Set-up failed: memory for good.
   *
   * @param warning - what to tell `onWarning`
   */
  stuck(warning: TidemarkError): void {
    this.#mode = 'stuck';
    this.#onWarning(warning);
  }

  /** `close()` ran. */
  close(): void {
    this.#mode = 'closed';
  }
}

/**
 * The `code` of a Node file-system error, for messages.
 *
 * @param error - what was thrown
 * @returns e.g. `ENOSPC`, or `error` when there is none
 */
export function errorCode(error: unknown): string {
  return (error as NodeJS.ErrnoException)?.code ?? 'error';
}
