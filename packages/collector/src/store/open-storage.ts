import type { ResolvedOptions } from '../options.js';
import { openSqliteStorage } from './sqlite-storage.js';
import type { EventStorage } from './storage.js';

/**
 * Open the storage the options ask for: SQLite (the default) or ClickHouse.
 *
 * @param opts - resolved options (`store`, `dbPath`, `clickhouse`)
 * @param onWarning - told about background trouble that does not stop the collector
 * @returns the open storage
 * @throws CollectorError `storage` when it cannot be opened or reached
 */
export async function openEventStorage(opts: ResolvedOptions, onWarning: (message: string) => void): Promise<EventStorage> {
  if (opts.store === 'clickhouse' && opts.clickhouse) {
    // Loaded on demand: a SQLite collector never loads the ClickHouse client.
    const { openClickHouseStorage } = await import('../clickhouse/clickhouse-storage.js');
    return openClickHouseStorage(opts.clickhouse, onWarning);
  }
  return openSqliteStorage(opts.dbPath, opts.synchronous, onWarning);
}
