import type { EventRow, SessionTouch } from '../store/row.js';
import type { Writer } from '../store/writer.js';

/** What became of the rows of one request. */
export interface CommitOutcome {
  /** Rows stored for the first time. */
  stored: number;
  /** Rows whose key was already stored (acknowledged, not stored twice). */
  duplicates: number;
}

/** Options of a {@link GroupCommitter}. */
export interface GroupCommitOptions {
  /** Most rows per transaction (a bigger request goes alone). */
  maxRows: number;
  /**
   * How long a group waits for more requests; `0` closes it when the event loop is next idle.
   * @default 0
   */
  lingerMs?: number;
  /**
   * Groups handed to the writer at once. SQLite writes them one after the other, so two keep
   * its thread busy; a networked store overlaps round trips with more.
   * @default 2
   */
  maxInFlight?: number;
  /** Called after each commit with the rows stored for the first time and the counts. */
  onCommit?: (fresh: EventRow[], outcome: CommitOutcome) => void;
}

interface Pending {
  rows: EventRow[];
  touches: SessionTouch[];
  resolve(outcome: CommitOutcome): void;
  reject(err: unknown): void;
}

/**
 * Group commit: requests that arrive while the event loop is busy, or while the previous
 * transaction is being written, are written together in one transaction, so a commit's
 * fixed cost (and the index pages it rewrites) is paid once per group instead of once per
 * request. A request's rows are never split across
 * transactions; a group closes before it would pass `maxRows` (a bigger request goes alone).
 * Each promise resolves only after its transaction has committed.
 *
 * @example
 * const committer = new GroupCommitter(writer, { maxRows: 2000, onCommit: (fresh) => feed.push(fresh) });
 * const { stored, duplicates } = await committer.submit(rows, []);
 */
export class GroupCommitter {
  readonly #writer: Writer;
  readonly #maxRows: number;
  readonly #lingerMs: number;
  readonly #maxInFlight: number;
  #pendingRows = 0;
  readonly #onCommit: (fresh: EventRow[], outcome: CommitOutcome) => void;
  #pending: Pending[] = [];
  #scheduled: { cancel(): void } | null = null;
  #writing = 0;
  /** Submissions not yet committed or failed (each settles, never rejects). */
  readonly #unsettled = new Set<Promise<void>>();
  #idle: Array<() => void> = [];

  /**
   * @param writer - where rows go
   * @param options - group size, linger and writes in flight (see {@link GroupCommitOptions})
   */
  constructor(writer: Writer, options: GroupCommitOptions) {
    this.#writer = writer;
    this.#maxRows = options.maxRows;
    this.#lingerMs = options.lingerMs ?? 0;
    this.#maxInFlight = options.maxInFlight ?? 2;
    this.#onCommit = options.onCommit ?? (() => {});
  }

  /**
   * Queue the rows and heartbeats of one request for the next group commit.
   *
   * @param rows - validated rows
   * @param touches - heartbeats
   * @returns the outcome, once committed; rejects with the SQLite error if the commit failed
   */
  submit(rows: EventRow[], touches: SessionTouch[]): Promise<CommitOutcome> {
    if (rows.length === 0 && touches.length === 0) return Promise.resolve({ stored: 0, duplicates: 0 });
    const outcome = new Promise<CommitOutcome>((resolve, reject) => {
      this.#pending.push({ rows, touches, resolve, reject });
      this.#pendingRows += rows.length;
      this.#schedule();
    });
    const done = outcome.then(
      () => {},
      () => {},
    );
    this.#unsettled.add(done);
    void done.then(() => this.#unsettled.delete(done));
    return outcome;
  }

  /**
   * Resolve once everything submitted before this call is committed or failed (what comes
   * later is not waited for). Every one of them: with two groups in flight (ClickHouse) the
   * earlier may finish last.
   *
   * @returns a promise that never rejects
   */
  settled(): Promise<void> {
    return Promise.all(this.#unsettled).then(() => {});
  }

  /** Requests waiting for a commit (not counting the one being written). */
  get pending(): number {
    return this.#pending.length;
  }

  /** Rows waiting for a commit or being written: what backpressure bounds. */
  get pendingRows(): number {
    return this.#pendingRows;
  }

  #schedule(): void {
    if (this.#scheduled) {
      // A full group need not wait out the linger.
      if (this.#lingerMs === 0 || this.#queuedRows() < this.#maxRows) return;
      this.#scheduled.cancel();
    }
    if (this.#lingerMs === 0 || this.#queuedRows() >= this.#maxRows) {
      const immediate = setImmediate(() => this.#flush());
      this.#scheduled = { cancel: () => clearImmediate(immediate) };
    } else {
      const timer = setTimeout(() => this.#flush(), this.#lingerMs);
      this.#scheduled = { cancel: () => clearTimeout(timer) };
    }
  }

  #queuedRows(): number {
    let rows = 0;
    for (const p of this.#pending) rows += p.rows.length;
    return rows;
  }

  /**
   * Resolve once everything submitted so far has been committed (or failed).
   *
   * @returns a promise that resolves when the queue is empty
   */
  drained(): Promise<void> {
    if (this.#pending.length === 0 && this.#writing === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idle.push(resolve));
  }

  #flush(): void {
    this.#scheduled = null;
    // With two writes in flight the writer always has the next group queued while the
    // request thread answers the previous one; a third waits and grows with what comes meanwhile.
    if (this.#writing >= this.#maxInFlight) return;
    if (this.#pending.length === 0) {
      if (this.#writing === 0) for (const resolve of this.#idle.splice(0)) resolve();
      return;
    }
    let end = 0;
    let rows = 0;
    while (end < this.#pending.length && (end === 0 || rows + this.#pending[end]!.rows.length <= this.#maxRows)) {
      rows += this.#pending[end]!.rows.length;
      end += 1;
    }
    const group = this.#pending.splice(0, end);
    this.#writing += 1;
    void this.#commit(group)
      .catch(() => {}) // #commit settles every request itself; nothing is left to report
      .finally(() => {
        this.#writing -= 1;
        this.#flush();
      });
    // More waiting than one group takes: start the next write now (up to maxInFlight).
    if (this.#pending.length > 0) this.#schedule();
  }

  async #commit(group: Pending[]): Promise<void> {
    const rows = group.length === 1 ? group[0]!.rows : group.flatMap((p) => p.rows);
    const touches = group.flatMap((p) => p.touches);
    let fresh: boolean[];
    try {
      fresh = await this.#writer.write(rows, touches, Date.now());
    } catch (err) {
      this.#pendingRows -= rows.length;
      for (const p of group) p.reject(err);
      return;
    }
    // Before the requests hear back: one that retries at once must see the room it left.
    this.#pendingRows -= rows.length;
    let offset = 0;
    const total: CommitOutcome = { stored: 0, duplicates: 0 };
    for (const p of group) {
      let stored = 0;
      for (let i = 0; i < p.rows.length; i++) if (fresh[offset + i]) stored += 1;
      offset += p.rows.length;
      total.stored += stored;
      total.duplicates += p.rows.length - stored;
      p.resolve({ stored, duplicates: p.rows.length - stored });
    }
    this.#onCommit(
      rows.filter((_, i) => fresh[i]),
      total,
    );
  }
}
