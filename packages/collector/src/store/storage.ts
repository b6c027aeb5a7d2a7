import type { InsightReads } from '../insights/facts.js';
import type { ExportKind } from '../queries/cursor.js';
import type { ExportPage, ExportQuery } from '../queries/export-query.js';
import type { MetricsRow } from '../queries/metrics.js';
import type { RangeQuery } from '../queries/range.js';
import type { SessionsRow } from '../queries/session-buckets.js';
import type { Writer } from './writer.js';

/** Which engine holds the events. */
export type StorageKind = 'sqlite' | 'clickhouse';

/**
 * The collector's storage, whatever the engine: a writer (the seam every ingest route goes
 * through) and the read side of every query route, all async so a networked engine fits
 * behind it. Two implementations: SQLite (`sqlite-storage.ts`, the embedded default) and
 * ClickHouse (`clickhouse/clickhouse-storage.ts`). One route test suite runs on both.
 *
 * @example
 * const storage = await openSqliteStorage({ dbPath: ':memory:', synchronous: 'normal' });
 * const rows = await storage.metrics(parseRangeQuery(query));
 */
export interface EventStorage {
  /** The engine. */
  readonly kind: StorageKind;
  /** Where commits happen (group commits of one or more requests). */
  readonly writer: Writer;
  /** Events stored when the storage was opened (earlier runs, other collectors), for `/v1/stats`. */
  readonly eventsAtOpen: number;
  /**
   * Counts per bucket and event name (`GET /v1/metrics`).
   *
   * @param range - dates, bucket size, optional user
   * @returns rows in date order
   */
  metrics(range: RangeQuery): Promise<MetricsRow[]>;
  /**
   * Session statistics per bucket of the session's start (`GET /v1/sessions`).
   *
   * @param range - dates, bucket size, optional user
   * @returns rows in date order
   */
  sessions(range: RangeQuery): Promise<SessionsRow[]>;
  /**
   * A page of `/v1/export/events`, `/sessions` or `/users`.
   *
   * @param kind - what to export
   * @param query - the parsed query (its `position` is this engine's cursor position)
   * @returns the page and the next cursor
   * @throws HttpError 400 when the cursor's position is not one of this engine
   */
  exportPage(kind: ExportKind, query: ExportQuery): Promise<ExportPage<Record<string, unknown>>>;
  /**
   * Which of these keys are stored under this source (delivery receipts, `{ check }`).
   *
   * @param source - the caller's write key or app ID
   * @param ids - message IDs
   * @returns the stored ones, in the order asked, each once
   */
  storedIds(source: string, ids: string[]): Promise<string[]>;
  /** The reads of `/v1/attribution`, `/v1/funnel` and `/v1/journey`. */
  readonly insights: InsightReads;
  /** Close connections and files. Safe to call once the writer is closed. */
  close(): Promise<void>;
}
