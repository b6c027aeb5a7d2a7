import { explain, SENTENCES, WORKER_FLUSH, type WorkerFlushAnswer, type WorkerFlushMessage } from '@tidemark/protocol';
import { TidemarkError, type TidemarkErrorCode } from '../errors.js';
import { browserGlobals as g, type ServiceWorkerLike } from './browser-globals.js';
import type { FlushResult } from '../flusher-options.js';
import type { Transport } from '../transport.js';
import type { UncertainLedger } from '../uncertain.js';

/** How long a page waits for the worker's answer before draining itself (under the same drain lock). */
const ANSWER_TIMEOUT_MS = { automatic: 5_000, explicit: 30_000 };

/** The page's side of service-worker delivery. */
export interface WorkerHandoff {
  /** Whether a Tidemark worker controls this page now (then the page sends nothing itself). */
  controls(): boolean;
  /**
   * Ask the controlling worker to drain.
   *
   * @returns its result, or `undefined` when no Tidemark worker controls the page or it did
   *   not answer in time: the page then drains itself
   */
  flush(message: WorkerFlushMessage): Promise<FlushResult | undefined>;
}

/**
 * Register the Tidemark service worker and talk to it. The worker's URL carries what it
 * needs to send (write key, transport options), so it can drain with no page open (a
 * Background Sync after the last tab closed offline). A worker from another script that
 * controls the page is not ours: the page drains itself.
 *
 * @param scriptUrl - the worker's URL on the site's origin
 * @param params - query parameters for the worker (writeKey, host…)
 * @param report - told when registration fails (the page keeps draining itself)
 * @returns the handoff, or `undefined` where the realm has no service workers
 */
export function serviceWorkerHandoff(scriptUrl: string, params: Record<string, string>, report: (error: TidemarkError) => void): WorkerHandoff | undefined {
  const container = g.navigator?.serviceWorker;
  const Channel = g.MessageChannel;
  if (!container || !Channel) return undefined;
  const url = new URL(scriptUrl, g.location?.href);
  for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
  container.register(url.href).catch((err: unknown) => {
    report(new TidemarkError('invalid_option', SENTENCES ? `Registering the service worker ${url.pathname} failed; this page sends its events itself` : explain('TM27'), err));
  });
  // Asked for every event (does the page remember it for page hide?): the URL is parsed once
  // per controller, not per call.
  let seen: ServiceWorkerLike | null | undefined;
  let mine: ServiceWorkerLike | undefined;
  const ours = () => {
    const worker = container.controller;
    if (worker !== seen) {
      seen = worker;
      mine = worker && new URL(worker.scriptURL).pathname === url.pathname ? worker : undefined;
    }
    return mine;
  };
  return {
    controls: () => !!ours(),
    flush(message) {
      const worker = ours();
      if (!worker) return Promise.resolve(undefined);
      return new Promise((resolve) => {
        const channel = new Channel();
        const timer = setTimeout(() => resolve(undefined), message.explicit ? ANSWER_TIMEOUT_MS.explicit : ANSWER_TIMEOUT_MS.automatic);
        channel.port1.onmessage = (e) => {
          clearTimeout(timer);
          channel.port1.close();
          resolve(e.data ? fromAnswer(e.data as WorkerFlushAnswer) : undefined);
        };
        worker.postMessage(message, [channel.port2]);
      });
    },
  };
}

/**
 * The client's line to its service worker: registered with what the worker needs to rebuild
 * the transport, or none (reported) when the transport cannot be rebuilt there.
 *
 * @param scriptUrl - the `serviceWorker` option
 * @param transport - the client's transport
 * @param writeKey - the client's write key
 * @param customStore - the app passed its own `store`, which the worker cannot open
 * @param report - told why there is no worker
 * @returns the handoff, or undefined: the page drains itself
 */
export function clientHandoff(scriptUrl: string, transport: Transport, writeKey: string, customStore: boolean, report: (error: TidemarkError) => void): WorkerHandoff | undefined {
  if (customStore) {
    // The worker drains the default IndexedDB queue of the write key; events in any other
    // store would wait there for ever while the worker answered that nothing is pending.
    report(new TidemarkError('invalid_option', SENTENCES ? 'serviceWorker drains the default IndexedDB queue; with a custom store this page sends its events itself' : explain('TM28')));
    return undefined;
  }
  if (!transport.workerParams) {
    report(new TidemarkError('invalid_option', SENTENCES ? 'serviceWorker needs a transport a worker can rebuild (httpTransport); this page sends its events itself' : explain('TM29')));
    return undefined;
  }
  return serviceWorkerHandoff(scriptUrl, { ...transport.workerParams, writeKey }, report);
}

/**
 * The flusher's delegate for a page: while a Tidemark worker controls the page, the worker
 * drains, and takes over the page's uncertain events (it asks about them before a re-send).
 *
 * @param handoff - the page's line to the worker
 * @param writeKey - the client's write key (the worker drains only its own queue)
 * @param uncertain - the page's uncertain events
 * @param now - the clock
 * @param drains - whether the worker drains this page's queue now: it controls the page and
 *   the queue is in IndexedDB (not in memory, where a failed IndexedDB left it)
 * @returns the delegate for `Flusher`
 */
export function workerDelegate(handoff: WorkerHandoff, writeKey: string, uncertain: UncertainLedger, now: () => number, drains: () => boolean): (explicit: boolean) => Promise<FlushResult | undefined> {
  return async (explicit) => {
    if (!drains()) return undefined;
    const { ids, at } = uncertain.read(now());
    const result = await handoff.flush({ type: WORKER_FLUSH, writeKey, explicit, uncertain: { ids: [...ids], at } });
    if (result) uncertain.forget(ids); // the worker holds them now
    return result;
  };
}

function fromAnswer(answer: WorkerFlushAnswer): FlushResult {
  const result: FlushResult = { delivered: answer.delivered, rejected: answer.rejected, pending: answer.pending };
  if (answer.error) result.error = new TidemarkError(answer.error.code as TidemarkErrorCode, answer.error.message);
  return result;
}
