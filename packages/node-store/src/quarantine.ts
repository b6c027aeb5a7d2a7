import { join } from 'node:path';
import { TidemarkError } from '@tidemark/core';
import type { StoreFs } from './store-fs.js';

/** Folder inside a FileStore directory where damaged segment files are kept for inspection. */
export const QUARANTINE_DIR = 'quarantine';

/**
 * Move a damaged segment file out of the way, under a name that never collides with an
 * earlier one of the same number.
 *
 * @param fs - the file system
 * @param dir - the store directory
 * @param name - the segment's file name
 * @throws the file-system error; the caller leaves the file for its next attempt
 */
export async function quarantineFile(fs: StoreFs, dir: string, name: string): Promise<void> {
  await fs.mkdir(join(dir, QUARANTINE_DIR), { recursive: true });
  await fs.rename(join(dir, name), join(dir, QUARANTINE_DIR, `${name}.${Date.now()}`));
}

/**
 * The warning that damaged files were set aside.
 *
 * @param dir - the store directory
 * @param count - how many files
 * @returns a `storage_unavailable` error to pass to `onWarning`
 */
export function quarantineWarning(dir: string, count: number): TidemarkError {
  return new TidemarkError('storage_unavailable', `${count} damaged queue file(s) moved to ${join(dir, QUARANTINE_DIR)}; their readable events were kept`);
}
