/** `type` of the message a page sends its Tidemark service worker to have the queue drained. */
export const WORKER_FLUSH = 'tidemark:flush';

/** A page's request to its service worker: drain the queue of `writeKey`. */
export interface WorkerFlushMessage {
  type: typeof WORKER_FLUSH;
  writeKey: string;
  /** The app called `flush()`: ignore backoff and wait for the drain lock. */
  explicit: boolean;
  /** This page's uncertain events, which the worker asks the collector about before a re-send. */
  uncertain: { ids: string[]; at: number };
}

/**
 * The worker's answer, through the message's port: what its drain achieved, with the error
 * as plain data (errors do not survive `postMessage` as classes); `null` when the worker
 * does not serve that write key.
 */
export interface WorkerFlushAnswer {
  delivered: number;
  rejected: number;
  pending: number;
  error?: { code: string; message: string };
}
