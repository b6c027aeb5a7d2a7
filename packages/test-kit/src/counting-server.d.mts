/** A bare acknowledging server on loopback, the benches' baseline ({@link startCountingServer}). */
export interface CountingServer {
  /** `http://127.0.0.1:PORT`: POST batches to any path. */
  url: string;
  /** `ws://127.0.0.1:PORT`: Nucleus frames `{ data }`, answered with `{ reportedIds }`. */
  wsUrl: string;
  /** Events received so far (copies included: it does not dedupe). */
  received(): number;
  /** Close every connection and the server. */
  close(): Promise<void>;
}

/** Start a server that counts the events of each batch and acknowledges them at once. */
export function startCountingServer(): Promise<CountingServer>;
