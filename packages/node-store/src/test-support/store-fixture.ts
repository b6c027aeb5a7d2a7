import { readdirSync } from 'node:fs';
import { afterEach } from 'vitest';
import type { TidemarkError } from '@tidemark/core';
import { FileStore, type FileStoreOptions } from '../file-store.js';
import { tempDir } from '@tidemark/test-kit';

/**
 * FileStore tests' fixture: call once per test file. Each `setup()` makes a temp directory
 * and an `open()` that creates stores in it collecting warnings, and `defer()` for extra
 * clean-up; everything is closed and
 * removed after each test, newest first.
 *
 * @returns `setup`
 */
export function useStoreFixture() {
  const cleanups: Array<() => unknown> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });
  return function setup() {
    const { dir, remove } = tempDir();
    cleanups.push(remove);
    const warnings: TidemarkError[] = [];
    const open = (options: Partial<FileStoreOptions> = {}) => {
      const store = new FileStore({ dir, onWarning: (w) => warnings.push(w), ...options });
      cleanups.push(() => store.close());
      return store;
    };
    const segments = () => readdirSync(dir).filter((f) => f.startsWith('seg-')).sort();
    /** Run `fn` after the test, before the directory is removed. */
    const defer = (fn: () => unknown) => void cleanups.push(fn);
    return { dir, open, warnings, segments, defer };
  };
}
