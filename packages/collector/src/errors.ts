import { CodedError } from '@tidemark/protocol';

/**
 * Stable codes of collector errors. Branch on `code`, never on the message.
 * - `invalid_option`: a `startCollector` option or CLI flag is missing or wrong (thrown at start).
 * - `storage`: the SQLite file cannot be opened or written.
 * - `listen`: the server cannot listen on the host and port (in use, not permitted).
 */
export type CollectorErrorCode = 'invalid_option' | 'storage' | 'listen';

/**
 * The error class of the collector: the protocol's coded error, like the client's
 * `TidemarkError` (the collector depends on no client package).
 *
 * @example
 * try { await startCollector({ dbPath: '/nope/x.db', writeKeys: ['wk'], readKeys: ['rk'] }); }
 * catch (err) { if (err instanceof CollectorError && err.code === 'storage') console.error(err.message); }
 */
export class CollectorError extends CodedError<CollectorErrorCode> {
  /**
   * @param code - stable code of the failure
   * @param message - what went wrong and how to fix it
   * @param cause - the error behind it (a `SqliteError`, an `EADDRINUSE`…)
   */
  constructor(code: CollectorErrorCode, message: string, cause?: unknown) {
    super('CollectorError', code, message, cause);
  }
}
