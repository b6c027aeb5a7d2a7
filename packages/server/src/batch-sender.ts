import { TidemarkError, type Clock } from '@tidemark/core';
import type { Closer } from './closer.js';
import type { QueuedEvent } from './send-queue.js';
import type { FetchLike } from './node-http-fetch.js';
import { backoffDelay, classifyStatus, parseRetryAfter, SERVER_BACKOFF } from '@tidemark/protocol';
import { sleep, whenAborted } from './sleep.js';

/** What the sender needs; all of it comes from the client's resolved options. */
export interface SenderOptions {
  endpoint: string;
  writeKey: string;
  fetch: FetchLike;
  clock: Clock;
  timeout: number;
  retryLimit: number;
  /** Closed when the client closes: in-flight requests and backoff waits end at once. */
  closer: Closer;
}

/** What became of one batch (and of the halves it was split into). */
export interface SendOutcome {
  /** Events the collector stored. */
  delivered: number;
  /** Events refused for good, with the collector's reason. */
  rejected: Array<{ item: QueuedEvent; reason: string }>;
  /** Events to put back at the front of the queue (retries used up, unauthorized, closing). */
  requeue: QueuedEvent[];
  /** Retries made. */
  retries: number;
  /** Problems to report, one per failed request chain. */
  errors: TidemarkError[];
  /** Stop automatic sending for a while: the key is refused or the collector keeps failing. */
  pause: boolean;
}

type Answer = { status: number; retryAfter: number | undefined; text: string } | { error: TidemarkError };

/**
 * Posts batches to `/v1/batch` in the wire format (`{ batch, sentAt }`, Basic auth
 * `base64(writeKey + ':')`), retrying 408/429/5xx and network failures with backoff 1 s, 2 s,
 * 4 s … (≤ 10 s, or `Retry-After`) up to `retryLimit` times, and halving a batch the
 * collector calls bad (400/413/422) until the bad event stands alone. Never throws.
 */
export class BatchSender {
  readonly #o: SenderOptions;
  readonly #headers: Record<string, string>;

  /** @param options - endpoint, key, fetch, clock, limits and the client's closer */
  constructor(options: SenderOptions) {
    this.#o = options;
    this.#headers = { 'content-type': 'application/json', authorization: `Basic ${btoa(`${options.writeKey}:`)}` };
  }

  /**
   * Send one batch, with its retries and splits.
   *
   * @param batch - queued events, with their JSON text
   * @returns what became of each event
   */
  async send(batch: QueuedEvent[]): Promise<SendOutcome> {
    const outcome: SendOutcome = { delivered: 0, rejected: [], requeue: [], retries: 0, errors: [], pause: false };
    await this.#sendPart(batch, outcome);
    return outcome;
  }

  async #sendPart(events: QueuedEvent[], out: SendOutcome): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      if (this.#o.closer.closed) {
        out.requeue.push(...events);
        return;
      }
      const answer = await this.#post(events);
      const verdict = 'error' in answer ? 'retry' : classifyStatus(answer.status, events.length);
      if ('error' in answer || verdict === 'retry') {
        const error = 'error' in answer ? answer.error : new TidemarkError('server', `the collector answered HTTP ${answer.status}; ${events.length} events will be retried`);
        if (this.#o.closer.closed) {
          out.requeue.push(...events); // closing: close() counts what is left
          return;
        }
        if (attempt >= this.#o.retryLimit) {
          out.requeue.push(...events);
          out.errors.push(error);
          out.pause = true;
          return;
        }
        out.retries++;
        const waited = await sleep(this.#o.clock, backoffDelay(SERVER_BACKOFF, attempt + 1, 'error' in answer ? undefined : answer.retryAfter), this.#o.closer);
        if (!waited) {
          out.requeue.push(...events);
          return;
        }
        continue;
      }
      switch (verdict) {
        case 'delivered':
          this.#accept(events, answer.text, out);
          return;
        case 'unauthorized':
          out.requeue.push(...events);
          out.errors.push(new TidemarkError('unauthorized', `the collector refused the write key (HTTP ${answer.status}); events stay queued until it is accepted — check writeKey`));
          out.pause = true;
          return;
        case 'split': {
          const mid = Math.ceil(events.length / 2);
          await this.#sendPart(events.slice(0, mid), out);
          await this.#sendPart(events.slice(mid), out);
          return;
        }
        case 'reject': {
          const code = answer.status === 413 ? 'event_too_large' : 'rejected';
          for (const item of events) out.rejected.push({ item, reason: `HTTP ${answer.status}` });
          out.errors.push(new TidemarkError(code, `the collector refused ${events.length} event(s) for good (HTTP ${answer.status})`));
          return;
        }
      }
    }
  }

  /** A 2xx: every event is stored except those the collector lists in `rejected`. */
  #accept(events: QueuedEvent[], text: string, out: SendOutcome): void {
    const refused = rejectedIds(text);
    if (refused.size === 0) {
      out.delivered += events.length;
      return;
    }
    for (const item of events) {
      const reason = refused.get(item.id);
      if (reason === undefined) out.delivered++;
      else out.rejected.push({ item, reason });
    }
    out.errors.push(new TidemarkError('rejected', `the collector refused ${out.rejected.length} event(s): ${[...new Set(refused.values())].slice(0, 3).join('; ')}`));
  }

  async #post(events: QueuedEvent[]): Promise<Answer> {
    const { clock, closer, timeout, endpoint } = this.#o;
    const request = new AbortController();
    const removeHook = closer.onClose(() => request.abort(new TidemarkError('closed', 'the client closed while a request was in flight')));
    const timer = clock.setTimeout(() => request.abort(new TidemarkError('network', `no answer from ${endpoint} within ${timeout} ms`)), timeout);
    try {
      const body = `{"batch":[${events.map((item) => item.json).join(',')}],"sentAt":"${new Date(clock.now()).toISOString()}"}`;
      const work = this.#exchange(body, request.signal);
      work.catch(() => undefined); // it may lose the race below and reject later
      return await Promise.race([work, whenAborted(request.signal).then((reason) => Promise.reject(reason))]);
    } catch (cause) {
      if (cause instanceof TidemarkError) return { error: cause };
      return { error: new TidemarkError('network', `request to ${endpoint} failed (${causeText(cause)}); it will be retried`, cause) };
    } finally {
      clock.clearTimeout(timer);
      removeHook();
    }
  }

  async #exchange(body: string, signal: AbortSignal): Promise<Answer> {
    const response = await this.#o.fetch(this.#o.endpoint, { method: 'POST', headers: this.#headers, body, signal });
    const text = await response.text();
    return { status: response.status, retryAfter: parseRetryAfter(response.headers.get('retry-after'), this.#o.clock.now()), text };
  }
}

/** `messageId → reason` from a `{ rejected: [{ messageId, reason }] }` answer; empty otherwise. */
function rejectedIds(text: string): Map<string, string> {
  const out = new Map<string, string>();
  if (!text.includes('"rejected"')) return out;
  try {
    const parsed = JSON.parse(text) as { rejected?: unknown };
    if (!Array.isArray(parsed.rejected)) return out;
    for (const item of parsed.rejected as Array<{ messageId?: unknown; reason?: unknown }>) {
      if (item && typeof item.messageId === 'string') out.set(item.messageId, printable(String(item.reason ?? 'rejected')));
    }
  } catch {
    // Not JSON: a plain 2xx from another collector means everything was stored.
  }
  return out;
}

/** A collector's reason made safe for a log line. */
function printable(text: string): string {
  return text.replace(/[^\x20-\x7e]/g, '?').slice(0, 200);
}

function causeText(cause: unknown): string {
  // undici puts the system error in `cause`; node:http on the error itself.
  const error = cause as { message?: unknown; code?: unknown; cause?: { code?: unknown } };
  const errno = typeof error?.cause?.code === 'string' ? error.cause.code : error?.code;
  const code = typeof errno === 'string' && !String(error?.message).includes(errno) ? `${errno}: ` : '';
  return printable(`${code}${typeof error?.message === 'string' ? error.message : String(cause)}`);
}
