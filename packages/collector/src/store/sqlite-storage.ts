import type { ExportKind } from '../queries/cursor.js';
import { exportEvents, exportSessions, exportUsers } from '../queries/export.js';
import { metrics } from '../queries/metrics.js';
import { storedIds } from '../queries/receipts.js';
import { sessionStats } from '../queries/sessions.js';
import { sqliteInsights } from './sqlite-insights.js';
import type { EventStorage } from './storage.js';
import { openStorage } from './writer.js';

const exporters = { events: exportEvents, sessions: exportSessions, users: exportUsers } as const;

/**
 * Open the SQLite storage (the embedded default): one file, a writer thread when running
 * from the build, and the SQL queries of `queries/` on the request thread's connection.
 *
 * @param path - SQLite file path or `':memory:'`
 * @param synchronous - `'normal'` or `'full'`
 * @param onWarning - told when background checkpoints fail
 * @returns the storage
 * @throws CollectorError `storage` when the file cannot be opened
 * @example const storage = await openSqliteStorage('./tidemark.db', 'normal', console.warn);
 */
export async function openSqliteStorage(path: string, synchronous: 'normal' | 'full', onWarning: (message: string) => void): Promise<EventStorage> {
  const { store, writer } = await openStorage(path, synchronous, onWarning);
  const { db } = store;
  return {
    kind: 'sqlite',
    writer,
    eventsAtOpen: store.eventsAtOpen,
    metrics: async (range) => metrics(db, range),
    sessions: async (range) => sessionStats(db, range),
    exportPage: async (kind: ExportKind, query) => exporters[kind](db, query),
    storedIds: async (source, ids) => storedIds(db, source, ids),
    insights: sqliteInsights(db),
    close: () => store.close(),
  };
}
