import { backoffDelay, BROWSER_BACKOFF, explain, SENTENCES } from '@tidemark/protocol';
import type { TimerHandle } from './clock.js';
import type { DrainLock } from './drain-lock.js';
import { TidemarkError } from './errors.js';
import type { CheckResult, SendResult } from './transport.js';
import type { TidemarkEvent } from './types.js';
import { UNCERTAIN_GRACE_MS } from './uncertain.js';
import type { FlusherOptions, FlushResult } from './flusher-options.js';

/** A batch as peeked: each event's key, and how many moves the queue had made then. */
interface Peeked {
  moves: number;
  keys: Map<string, string>;
}

/**
 * Moves events from the queue to the transport: on `flushAt`, every `flushInterval`, when
 * back online and on demand. One drain at a time per client, one per origin through the
 * {@link DrainLock}; failures back off exponentially with full jitter and honour
 * `Retry-After`; 401/403 stop sending for the life of the client (a wrong write key).
 */
export class Flusher {
  #running: Promise<FlushResult> | undefined;
  #runningExplicit = false;
  #timer: TimerHandle | undefined;
  #timerAt = 0;
  #attempt = 0;
  #retryAt = 0;
  #stopped = false;
  /** When the last request of this flusher left (`-Infinity` before the first). */
  #sentAt = -Infinity;
  /** The collector answered the receipts question with 404/405: re-send without asking. */
  #noReceipts = false;
  /** `messageId`s being sent right now, so the page-hide path does not send them too. */
  readonly inFlight = new Set<string>();
  readonly #o: FlusherOptions;

  /** @param options - collaborators and settings */
  constructor(options: FlusherOptions) {
    this.#o = options;
  }

  /** Run a flush after `flushInterval` unless one is already planned sooner. */
  schedule(delay = this.#o.flushInterval): void {
    const at = this.#o.clock.now() + delay;
    if (this.#timer !== undefined && this.#timerAt <= at) return;
    this.cancel();
    this.#timerAt = at;
    this.#timer = this.#o.clock.setTimeout(() => {
      this.#timer = undefined;
      void this.flush(false);
    }, delay);
  }

  /** Cancel the planned flush. */
  cancel(): void {
    if (this.#timer !== undefined) this.#o.clock.clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  /**
   * Forget the backoff: connectivity came back, so the failures were the network's. A stop on
   * 401/403 stays: a wrong write key does not heal by reconnecting.
   */
  resetBackoff(): void {
    this.#attempt = 0;
    this.#retryAt = 0;
  }

  /** Whether sending stopped on a 401/403. */
  get stopped(): boolean {
    return this.#stopped;
  }

  /**
   * Drain the queue now. Concurrent calls share one drain.
   *
   * @param explicit - the app asked (`flush()`): ignore backoff and wait for the drain lock
   * @param now - send without waiting out the gap after the last request (the page is being
   *   hidden); an explicit flush never waits for it
   * @returns what the drain achieved
   */
  flush(explicit: boolean, now = explicit): Promise<FlushResult> {
    if (this.#running) {
      // An automatic drain may skip (backoff, lock busy); the app's flush() runs after it.
      return explicit && !this.#runningExplicit ? this.#running.then(() => this.flush(true)) : this.#running;
    }
    const wait = now ? 0 : this.#gapLeft(this.#o.queue.approxCount);
    if (wait > 0) {
      this.schedule(wait);
      return Promise.resolve(this.#result(0, 0));
    }
    this.#runningExplicit = explicit;
    const own = () => this.#o.lock.run(() => this.#drain(explicit, now), explicit).then((result) => result ?? this.#busy());
    const delegate = this.#o.delegate;
    const handOff = () => ((this.#sentAt = this.#o.clock.now()), delegate!(explicit));
    const run = delegate && this.#o.canSend() ? handOff().then((result) => (result ? this.#delegated(result) : own())) : own();
    this.#running = run.finally(() => (this.#running = undefined));
    return this.#running;
  }

  /**
   * How long an automatic send waits yet (see `sendGap`).
   *
   * @param queued - events queued now
   * @returns ms to wait, 0 to send now
   */
  #gapLeft(queued: number): number {
    if (queued >= this.#o.batchSize) return 0;
    // At most one gap, even after the clock was set back since the last request.
    return Math.max(0, Math.min(this.#o.sendGap, this.#sentAt + this.#o.sendGap - this.#o.clock.now()));
  }

  /**
   * Another tab holds the drain lock. It may be a page being unloaded, which lets go without
   * sending what it held, so this one looks again after `flushInterval` rather than waiting
   * for an event that may never come.
   */
  #busy(): FlushResult {
    this.schedule();
    return this.#result(0, 0);
  }

  /** What the delegate drained; while it says events are left, ask it again later. */
  #delegated(result: FlushResult): FlushResult {
    if (result.pending > 0) this.schedule();
    return result;
  }

  async #drain(explicit: boolean, now: boolean): Promise<FlushResult> {
    const o = this.#o;
    let delivered = 0;
    let rejected = 0;
    const wait = this.#retryAt - o.clock.now();
    if (!explicit && wait > 0) {
      // Still backing off (a timer may fire a millisecond early): come back when it ends.
      this.schedule(wait);
      return this.#result(0, 0);
    }
    while (!this.#stopped && o.canSend() && o.lifecycle.isOnline()) {
      const entries = await o.queue.peek(o.batchSize);
      if (!entries.length) break;
      const gap = now ? 0 : this.#gapLeft(entries.length);
      if (gap > 0) {
        // What arrived during the last request goes with what arrives in the gap, as one request.
        this.schedule(gap);
        break;
      }
      const peeked: Peeked = { moves: o.queue.moves, keys: new Map(entries.map((e) => [e.event.messageId, e.key])) };
      // One entry per event: an event queued twice (a rescue queued again while the dying
      // page's write landed after all) goes once, as the entry the peek's keys name.
      const keyed = entries.filter((e) => peeked.keys.get(e.event.messageId) === e.key);
      // Known delivered (a keepalive request while the page was hidden, say): remove, do not resend.
      const done = new Set(keyed.filter((e) => o.alreadyDelivered.delete(e.event.messageId) || !e.event.messageId));
      const sending = keyed.filter((e) => !done.has(e));
      if (sending.length < entries.length) await o.queue.remove(entries.filter((e) => !sending.includes(e)).map((e) => e.key));
      o.uncertain.forget([...done].map((e) => e.event.messageId));
      const batch = sending.map((e) => e.event);
      // In flight from now, while the receipts are asked too: a hide meanwhile marks them
      // uncertain rather than handing them to keepalive as this drain sends them.
      for (const e of batch) this.inFlight.add(e.messageId);
      let result: SendResult;
      let events: TidemarkEvent[];
      try {
        const resolved = await this.#resolveUncertain(batch, peeked, explicit);
        if (!resolved) return this.#result(delivered, rejected);
        delivered += resolved.stored;
        events = resolved.events;
        if (!events.length) continue;
        // Journaled before the send: a page (or worker) that dies at any moment after this line
        // leaves these marked, so the next drainer asks before sending them again.
        o.uncertain.mark(events.map((e) => e.messageId), o.clock.now());
        this.#sentAt = o.clock.now();
        result = await o.transport.send(events, o.context).catch(
          // Transports report failures as data; one that throws anyway is treated as a network error.
          (err: unknown): SendResult => ({ delivered: [], rejected: [], error: new TidemarkError('network', SENTENCES ? 'The transport threw' : explain('TM20'), err) }),
        );
      } finally {
        for (const e of batch) this.inFlight.delete(e.messageId);
      }

      const gone = [...result.delivered, ...result.rejected.map((r) => r.messageId)];
      await o.queue.remove(await this.#keys(gone, peeked));
      o.uncertain.forget(gone); // sent while the page hid and answered after all
      delivered += result.delivered.length;
      rejected += result.rejected.length;
      if (result.delivered.length) o.onDelivered(result.delivered);
      if (result.rejected.length) o.onRejected(result.rejected);

      if (result.stop) {
        this.#stopped = true;
        if (result.error) o.onError(result.error);
        return this.#result(delivered, rejected, result.error);
      }
      if (gone.length < events.length) {
        // A request that failed on the way (a reset, a timeout) may still have been stored: its
        // events stay marked, to be asked about before they go again. Any other failure is a
        // definite answer (offline, nothing left the device; a 5xx stored nothing).
        if (result.error?.code !== 'network' || !o.lifecycle.isOnline()) {
          const left = new Set(gone);
          o.uncertain.forget(events.filter((e) => !left.has(e.messageId)).map((e) => e.messageId));
        }
        this.#backOff(result);
        return this.#result(delivered, rejected, result.error);
      }
      this.#attempt = 0;
      this.#retryAt = 0;
    }
    return this.#result(delivered, rejected);
  }

  /** Wait before the next attempt: exponential with full jitter, at least `Retry-After`. */
  #backOff(failure: { retryAfterMs?: number; error?: TidemarkError }): void {
    this.#attempt++;
    const delay = backoffDelay(BROWSER_BACKOFF, this.#attempt, failure.retryAfterMs, this.#o.random);
    this.#retryAt = this.#o.clock.now() + delay;
    this.schedule(delay);
    if (failure.error) this.#o.onError(failure.error);
  }

  /**
   * Events of a batch whose earlier send no page saw the end of are asked about first: those
   * the collector has stored leave the queue unsent. No question is asked when none is
   * uncertain, or when the collector has no receipts (they are re-sent, to be deduped).
   *
   * @param explicit - the app's flush(): wait out the grace after a hide instead of stopping
   * @returns the events to send and how many were found delivered, or `undefined` when the
   *   drain must stop for now (within the grace after a hide, or the question failed)
   */
  async #resolveUncertain(events: TidemarkEvent[], peeked: Peeked, explicit: boolean): Promise<{ events: TidemarkEvent[]; stored: number } | undefined> {
    const o = this.#o;
    const { ids, at } = o.uncertain.read(o.clock.now());
    const doubtful = ids.size ? events.filter((e) => ids.has(e.messageId)).map((e) => e.messageId) : [];
    if (!doubtful.length) return { events, stored: 0 };
    if (!o.transport.check || this.#noReceipts) {
      o.uncertain.forget(doubtful);
      return { events, stored: 0 };
    }
    const wait = at + UNCERTAIN_GRACE_MS - o.clock.now();
    if (wait > 0) {
      // A keepalive request of the page that hid may still be on its way: the app's flush()
      // waits it out, an automatic drain comes back.
      if (!explicit) {
        this.schedule(wait);
        return undefined;
      }
      await new Promise<void>((resolve) => o.clock.setTimeout(resolve, wait));
    }
    const answer = await o.transport.check(doubtful, o.context).catch(
      (err: unknown): CheckResult => ({ stored: [], error: new TidemarkError('network', SENTENCES ? 'The receipts check threw' : explain('TM21'), err) }),
    );
    if (answer.error) {
      this.#backOff(answer); // delay, never drop, never send blind
      return undefined;
    }
    if (answer.unsupported) this.#noReceipts = true;
    const asked = new Set(doubtful);
    const stored = new Set(answer.stored.filter((id) => asked.has(id)));
    await o.queue.remove(await this.#keys([...stored], peeked));
    if (stored.size) o.onDelivered([...stored]);
    o.uncertain.forget(doubtful);
    return { events: events.filter((e) => !stored.has(e.messageId)), stored: stored.size };
  }

  /**
   * The store keys of peeked events: the peek's, or found again among the oldest once a
   * consent change has moved the queue to another store (where every event has a new key,
   * and removing by the old ones removed nothing: the events went out again).
   */
  async #keys(ids: string[], peeked: Peeked): Promise<string[]> {
    const queue = this.#o.queue;
    if (queue.moves !== peeked.moves) {
      const entries = await queue.peek(this.#o.batchSize);
      peeked.moves = queue.moves;
      peeked.keys = new Map(entries.map((e) => [e.event.messageId, e.key]));
    }
    return ids.flatMap((id) => peeked.keys.get(id) ?? []);
  }

  #result(delivered: number, rejected: number, error?: TidemarkError): FlushResult {
    const result: FlushResult = { delivered, rejected, pending: this.#o.queue.approxCount };
    if (error) result.error = error;
    return result;
  }
}
