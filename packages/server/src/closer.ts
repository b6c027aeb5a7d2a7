/**
 * The client's "closing" switch. Unlike one shared `AbortSignal`, it takes any number of
 * waiters without Node's "possible EventTarget memory leak" warning (ten listeners), which a
 * client with 16 requests in flight and their backoff waits would trip.
 */
export class Closer {
  #closed = false;
  readonly #hooks = new Set<() => void>();

  /** Whether `close()` has run. */
  get closed(): boolean {
    return this.#closed;
  }

  /**
   * Run `hook` on close (at once if already closed).
   *
   * @returns a function that removes the hook
   */
  onClose(hook: () => void): () => void {
    if (this.#closed) {
      hook();
      return () => undefined;
    }
    this.#hooks.add(hook);
    return () => void this.#hooks.delete(hook);
  }

  /** Close: run every hook once. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const hook of this.#hooks) hook();
    this.#hooks.clear();
  }
}
