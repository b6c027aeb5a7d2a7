import { explain, SENTENCES } from '@tidemark/protocol';
import { messageId } from './message-id.js';
import { TidemarkError } from './errors.js';
import { trimOldest } from './trim-oldest.js';
import type { EventQueue } from './event-queue.js';
import type { KeyValueStorage } from './key-value.js';
import { RESCUE_PREFIX, rescueEvents } from './rescue.js';
import type { SendResult, Transport } from './transport.js';
import type { TidemarkEvent } from './types.js';
import type { UncertainLedger } from './uncertain.js';

/** How many of this page's unconfirmed events the page-hide path remembers (a tenth more between trims). */
const RECENT_LIMIT = 1_000;

/** What the page-hide path needs from its client, read at hide time. */
export interface HideContext {
  queue: EventQueue;
  storage: KeyValueStorage;
  transport: Transport;
  writeKey: string;
  /** Events may be kept durably (consent is not denied and the queue is the durable one). */
  mayPersist: boolean;
  /** Events may be sent now (consent granted, online, not stopped). */
  maySend: boolean;
  /** `messageId`s a drain is sending right now. */
  inFlight: Set<string>;
  /** Where events whose send this page cannot see the end of are marked. */
  uncertain: UncertainLedger;
  /** The time of hiding. */
  now: number;
  onDelivered: (messageIds: string[]) => void;
  report: (error: TidemarkError) => void;
}

/**
 * The last moments of a page. On hide it (1) copies events whose IndexedDB write has not
 * committed into localStorage, synchronously, because a navigating page can die before the
 * commit, and (2) hands this page's unconfirmed events to the transport's keepalive path,
 * each at most once. Those events stay queued: if the page lives and the answer arrives,
 * the next drain removes them unsent (`deliveredOnHide`); if not, the next page resends them
 * and the collector dedupes by `messageId`.
 */
export class HidePath {
  /** Delivered by keepalive while hidden: the drain removes these without sending. */
  readonly deliveredOnHide = new Set<string>();
  readonly #recent = new Map<string, TidemarkEvent>();
  readonly #handed = new Set<string>();
  readonly #rescueKey = RESCUE_PREFIX + messageId();
  /** Hides so far: only the cleanup of the latest rescue may remove it. */
  #hides = 0;

  /** Remember an event this page queued, until it is confirmed. */
  remember(event: TidemarkEvent): void {
    this.#recent.set(event.messageId, event);
    trimOldest(this.#recent, RECENT_LIMIT);
  }

  /** Forget events that were delivered or rejected. */
  forget(messageIds: string[]): void {
    for (const id of messageIds) this.#recent.delete(id), this.#handed.delete(id);
  }

  /** Forget everything (consent denied). */
  clear(): void {
    this.#recent.clear();
    this.#handed.clear();
  }

  /** The page is being hidden or unloaded. */
  hide(c: HideContext): void {
    if (c.mayPersist) {
      try {
        if (rescueEvents(c.storage, this.#rescueKey, c.queue.unpersisted())) {
          // The page lived on (tab switch, not navigation): once the write lands, the copy is
          // moot. Unless a later hide (pagehide after visibilitychange) rescued again under
          // the same key, with events tracked in between whose write has not landed yet.
          const hide = ++this.#hides;
          void c.queue.settle().then(() => hide === this.#hides && c.storage.remove(this.#rescueKey), () => {});
        }
      } catch (err) {
        c.report(new TidemarkError('storage_unavailable', SENTENCES ? 'Rescuing unsaved events on page hide failed' : explain('TM22'), err));
      }
    }
    if (c.transport.sendOnHide && c.maySend) this.#send(c);
    // Requests in flight and keepalive sends may land after this page is gone; the next
    // drainer asks the collector about these before sending them again.
    if (c.mayPersist) {
      const refused = c.uncertain.mark([...c.inFlight, ...this.#handed], c.now);
      if (refused) c.report(new TidemarkError('storage_unavailable', SENTENCES ? 'Marking events in flight on page hide failed' : explain('TM23'), refused));
    }
  }

  /** Hand this page's unconfirmed events, each at most once, to the transport's keepalive path; never those in flight. */
  #send(c: HideContext): void {
    // Nor those whose send this page could not see the end of: answered but not yet removed
    // from the queue, or in a request the navigation aborted just before this hide (seen in
    // Chromium: the collector had stored them). The next drainer asks the receipts about those.
    const { ids } = c.uncertain.read(c.now);
    const events = [...this.#recent.values()].filter((e) => !this.#handed.has(e.messageId) && !c.inFlight.has(e.messageId) && !ids.has(e.messageId));
    if (!events.length) return;
    try {
      const { handed, result } = c.transport.sendOnHide!(events, { writeKey: c.writeKey });
      for (const id of handed) this.#handed.add(id);
      void result.then((r: SendResult) => {
        // The page lived to see the answer: its next drain removes these unsent. They stay
        // marked until then, because the queue is the origin's: another tab, or the next
        // visit after this tab closed, asks the receipts about them instead of sending them.
        for (const id of r.delivered) this.#recent.delete(id), this.#handed.delete(id), this.deliveredOnHide.add(id);
        if (r.delivered.length) c.onDelivered(r.delivered);
      }, () => {});
    } catch (err) {
      c.report(new TidemarkError('network', SENTENCES ? 'The page-hide send failed' : explain('TM24'), err));
    }
  }
}
