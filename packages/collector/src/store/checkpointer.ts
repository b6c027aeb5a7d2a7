import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/**
 * The checkpointer's code. It runs in a worker thread with its own connection, so copying
 * the WAL back into the database file (and the fsyncs that come with it) happens on another
 * core, off the thread that serves requests. A PASSIVE checkpoint never blocks the writer;
 * once one completes while the writer is between commits, the next commit starts the WAL
 * over. Under load that never pauses the WAL only grows, so past \`maxWalBytes\` a TRUNCATE
 * checkpoint takes the write lock and empties it, stalling writes for a moment.
 */
const SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { statSync } = require('node:fs');
const Database = require(workerData.libsql);
const db = new Database(workerData.path);
db.exec('PRAGMA synchronous = ' + workerData.synchronous);
db.exec('PRAGMA busy_timeout = 5000');
let failed = false;
const walSize = () => {
  try { return statSync(workerData.path + '-wal').size; } catch { return 0; }
};
const timer = setInterval(() => {
  try {
    db.exec(walSize() > workerData.maxWalBytes ? 'PRAGMA wal_checkpoint(TRUNCATE)' : 'PRAGMA wal_checkpoint(PASSIVE)');
  } catch (err) {
    if (!failed) parentPort.postMessage({ error: String(err && err.message || err) });
    failed = true;
  }
}, workerData.intervalMs);
parentPort.on('message', () => {
  clearInterval(timer);
  db.close();
  parentPort.close();
});
`;

/** WAL size past which the checkpointer empties the WAL even though writes must wait. */
const MAX_WAL_BYTES = 1024 * 1024 * 1024;

/** A running background checkpointer. */
export interface Checkpointer {
  /** Stop it and close its connection. */
  stop(): Promise<void>;
}

/**
 * Start checkpointing a WAL database from a worker thread every `intervalMs`.
 *
 * @param path - the database file (not `':memory:'`)
 * @param synchronous - the database's `synchronous` mode
 * @param intervalMs - time between checkpoints
 * @param onError - told once if checkpoints fail (the WAL then grows until the collector closes)
 * @returns the checkpointer
 */
export function startCheckpointer(path: string, synchronous: 'normal' | 'full', intervalMs: number, onError: (message: string) => void): Checkpointer {
  const libsql = createRequire(import.meta.url).resolve('libsql');
  const worker = new Worker(SOURCE, { eval: true, workerData: { libsql, path, synchronous: synchronous.toUpperCase(), intervalMs, maxWalBytes: MAX_WAL_BYTES } });
  worker.unref();
  worker.on('message', (message: { error?: string }) => message.error && onError(message.error));
  worker.on('error', (err) => onError(err.message));
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  return {
    stop() {
      // Keep the process alive until the worker has closed its connection.
      worker.ref();
      worker.postMessage('stop');
      return exited;
    },
  };
}
