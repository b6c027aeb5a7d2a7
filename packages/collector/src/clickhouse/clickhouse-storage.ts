import { CollectorError } from '../errors.js';
import type { ClickHouseOptions } from '../options.js';
import type { EventStorage } from '../store/storage.js';
import { chInsights } from './ch-insights.js';
import { chExportPage } from './ch-export.js';
import { chCountEvents, chMetrics, chSessionStats, chStoredIds } from './ch-reads.js';
import { clickHouseWriter } from './ch-writer.js';
import { NodePool } from './node-pool.js';
import { createTables } from './schema.js';

/**
 * Open the ClickHouse storage: create the database and tables on every node that answers
 * (a replica that is down gets them from the next collector that starts), then write through
 * {@link clickHouseWriter} and read with FINAL, so a re-sent event is never counted twice.
 *
 * @param options - resolved `clickhouse` options
 * @param onWarning - told about nodes that could not be set up
 * @returns the storage
 * @throws CollectorError `storage` when no node can be reached or the tables cannot be made
 * @example const storage = await openClickHouseStorage({ urls: ['http://127.0.0.1:8123'], database: 'tidemark', replicated: false, insertQuorum: 1, lingerMs: 20, exportSettleMs: 30000, retryBudgetMs: 8000 }, console.warn);
 */
export async function openClickHouseStorage(options: Required<ClickHouseOptions>, onWarning: (message: string) => void): Promise<EventStorage> {
  const { database } = options;
  const pool = new NodePool(options.urls);
  const ready = await Promise.allSettled(pool.clients.map((client) => createTables(client, database, options.replicated)));
  const failed = ready.flatMap((r, i) => (r.status === 'rejected' ? [`${options.urls[i]}: ${r.reason instanceof Error ? r.reason.message : String(r.reason)}`] : []));
  if (failed.length === ready.length) {
    await pool.close();
    throw new CollectorError('storage', `cannot set up ClickHouse (${failed.join('; ')}); is the server running, and does --clickhouse-url name its HTTP port?`);
  }
  for (const message of failed) onWarning(`ClickHouse node not set up: ${message}`);
  let eventsAtOpen: number;
  try {
    eventsAtOpen = await chCountEvents(pool, database);
  } catch (err) {
    await pool.close();
    throw new CollectorError('storage', `cannot read ClickHouse: ${err instanceof Error ? err.message : String(err)}`, err);
  }
  const settledOrd = () => (options.exportSettleMs === 0 ? null : (Date.now() - options.exportSettleMs) * 1000);
  return {
    kind: 'clickhouse',
    writer: clickHouseWriter(pool, { database, insertQuorum: options.insertQuorum, retryBudgetMs: options.retryBudgetMs }),
    eventsAtOpen,
    metrics: (range) => chMetrics(pool, database, range),
    sessions: (range) => chSessionStats(pool, database, range),
    exportPage: (kind, query) => chExportPage({ pool, database, settledOrd: settledOrd() }, kind, query),
    storedIds: (source, ids) => chStoredIds(pool, database, source, ids),
    insights: chInsights(pool, database),
    close: () => pool.close(),
  };
}
