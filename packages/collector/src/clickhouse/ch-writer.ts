import type { EventRow, SessionTouch } from '../store/row.js';
import type { Writer } from '../store/writer.js';
import { EVENT_COLUMNS, OrderClock, TOUCH_COLUMNS, toChRow, toChTouch, verOf, type ChEventRow } from './ch-rows.js';
import type { NodePool } from './node-pool.js';
import { quote, quoteList } from './sql.js';
import { tsvRows } from './tsv.js';

/** How the writer inserts. */
export interface ChWriterOptions {
  database: string;
  /** Replicas that must hold an insert before it counts (`insert_quorum`). */
  insertQuorum: number;
  /**
   * How long one block may be retried before the requests in it fail (and are answered
   * 503, so their clients send them again).
   * @default 8000
   */
  retryBudgetMs?: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** ClickHouse's codes for "another quorum insert of the table is running" (286, 289). */
const QUORUM_BUSY = new Set(['286', '289']);

/**
 * Whether an insert failed only because another quorum insert was running. The client sets
 * `code` for current servers' messages; 18.16's ("Code: 286, e.displayText() = …") it leaves
 * as text.
 */
function isQuorumBusy(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code ?? /^Code: (\d+)/.exec(err instanceof Error ? err.message : '')?.[1];
  return QUORUM_BUSY.has(String(code));
}

/**
 * Which of these rows are new: not stored yet (a lookup of the batch's keys, by the sort
 * key's source and day) and the first of their key in the batch. Across collectors this is
 * best-effort: two collectors inserting one key at the same moment both call it new, and
 * the table's ReplacingMergeTree keeps one copy (queries read with FINAL).
 */
async function freshFlags(pool: NodePool, database: string, rows: EventRow[], chRows: ChEventRow[]): Promise<boolean[]> {
  const bySource = new Map<string, { days: Set<string>; keys: Set<string> }>();
  for (const row of chRows) {
    let group = bySource.get(row.source);
    if (!group) bySource.set(row.source, (group = { days: new Set(), keys: new Set() }));
    group.days.add(row.day);
    group.keys.add(row.key);
  }
  const stored = new Set<string>();
  for (const [source, { days, keys }] of bySource) {
    const found = await pool.rowsAmongKeys<{ key: string; day: string }>(
      `SELECT DISTINCT key, toString(day) AS day FROM ${database}.event_keys
       WHERE source = ${quote(source)} AND day IN ${quoteList([...days])} AND key IN lookup_keys`,
      [...keys],
    );
    for (const f of found) stored.add(`${source}\n${f.day}\n${f.key}`);
  }
  const seen = new Set<string>();
  return rows.map((_, i) => {
    const id = `${chRows[i]!.source}\n${chRows[i]!.day}\n${chRows[i]!.key}`;
    if (stored.has(id) || seen.has(id)) return false;
    seen.add(id);
    return true;
  });
}

/**
 * The ClickHouse writer: one INSERT per group commit (1,000–5,000 rows under load), acked
 * only after the insert succeeded with the chosen quorum. A failed insert is retried as the
 * identical block (same rows, same order, same `ord`s), on the next node when there are
 * several: replicated tables drop an identical block as a duplicate, so a retry of an insert
 * whose answer was lost adds nothing. Past the retry budget the write fails and nothing of
 * it is acknowledged.
 *
 * @param pool - the nodes
 * @param options - database, quorum, retry budget
 * @returns the writer
 */
export function clickHouseWriter(pool: NodePool, options: ChWriterOptions): Writer {
  const clock = new OrderClock();
  const budget = options.retryBudgetMs ?? 8_000;
  const settings: Record<string, number> = options.insertQuorum > 1 ? { insert_quorum: options.insertQuorum, insert_quorum_timeout: 5_000 } : {};

  /** Run `work` until it succeeds or the deadline would pass. */
  async function retrying<T>(deadline: number, work: () => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await work();
      } catch (err) {
        // Quorum inserts of one table go one at a time on older servers: the other collector's
        // insert ends within tens of ms, so try again soon (with jitter, so two collectors do
        // not collide again) rather than backing off. Anything else (a dead node refuses at
        // once) backs off exponentially, on the next node.
        const wait = isQuorumBusy(err) ? 5 + Math.random() * 30 : Math.min(1_000, 25 * 2 ** attempt) * (0.5 + Math.random());
        if (Date.now() + wait > deadline) throw err;
        await sleep(wait);
      }
    }
  }

  // The block's text is made once: every retry sends the same bytes.
  const insertBlock = (deadline: number, table: string, columns: readonly string[], body: string) =>
    retrying(deadline, () => pool.insert(`${options.database}.${table}`, columns, body, settings));

  return {
    async write(rows: EventRow[], touches: SessionTouch[]): Promise<boolean[]> {
      const deadline = Date.now() + budget;
      const chRows = rows.map((row) => toChRow(row, 0));
      const fresh = rows.length ? await retrying(deadline, () => freshFlags(pool, options.database, rows, chRows)) : [];
      // Positions are given once, before the first try, so every retry sends the same block.
      const firstOfSession = new Map<string, number>();
      const firstOfUser = new Map<string, number>();
      const block = chRows.filter((_, i) => fresh[i]).map((row) => {
        const ord = clock.next();
        if (!firstOfSession.has(row.session_key)) firstOfSession.set(row.session_key, ord);
        if (!firstOfUser.has(row.user_key)) firstOfUser.set(row.user_key, ord);
        return { ...row, ord, ver: verOf(ord), sess_ord: firstOfSession.get(row.session_key)!, user_ord: firstOfUser.get(row.user_key)! };
      });
      // The keys of the lookup reach `event_keys` through a materialized view of this insert.
      if (block.length) await insertBlock(deadline, 'events', EVENT_COLUMNS, tsvRows(EVENT_COLUMNS, block));
      if (touches.length) await insertBlock(deadline, 'heartbeats', TOUCH_COLUMNS, tsvRows(TOUCH_COLUMNS, touches.map((touch) => toChTouch(touch, clock.next()))));
      return fresh;
    },
    close: async () => {},
  };
}
