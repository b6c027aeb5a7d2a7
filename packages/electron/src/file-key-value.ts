import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { TidemarkError, type KeyValueStorage } from '@tidemark/core';

/** Options of {@link fileKeyValue}. */
export interface FileKeyValueOptions {
  /** The JSON file, e.g. `<userData>/tidemark/state.json`. */
  path: string;
  /** Told once when the file cannot be read or written (`storage_unavailable`). */
  onWarning?: (error: TidemarkError) => void;
  /** Changes of existing keys are written after this delay, in ms. @default 250 */
  writeDelayMs?: number;
}

/** A {@link KeyValueStorage} in a file; `flush()` writes pending changes now. */
export interface FileKeyValue extends KeyValueStorage {
  /** Write pending changes now (at quit). */
  flush(): void;
}

/**
 * Identity, session and install ID in one small JSON file, for Electron's main process (the
 * core needs synchronous reads, and a browser's `localStorage` is not there). Reads come from
 * memory. A new key or a removal is written at once, since losing it would change who the
 * user is; updates of existing keys (the session's last activity, once a second at most)
 * are coalesced. Each write goes to a temporary file that is fsynced and renamed over the
 * old one, so a crash leaves the old file or the new one, never half of one. If the file
 * cannot be written, the storage keeps working in memory and warns once.
 *
 * @param options - the file and how to report problems
 * @returns the storage
 * @example const storage = fileKeyValue({ path: join(app.getPath('userData'), 'tidemark', 'state.json') });
 */
export function fileKeyValue(options: FileKeyValueOptions): FileKeyValue {
  const { path, onWarning = () => {}, writeDelayMs = 250 } = options;
  const values = new Map<string, string>();
  let warned = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let dirty = false;

  const warn = (message: string, cause: unknown) => {
    if (warned) return;
    warned = true;
    onWarning(new TidemarkError('storage_unavailable', message, cause));
  };

  try {
    const parsed: unknown = JSON.parse(readFileSync(path, 'utf8'));
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) {
      for (const [key, value] of Object.entries(parsed)) if (typeof value === 'string') values.set(key, value);
    }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') warn(`${path} could not be read; identity starts afresh`, err);
  }

  function writeNow(): void {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    dirty = false;
    const tmp = `${path}.tmp`;
    try {
      mkdirSync(dirname(path), { recursive: true });
      const fd = openSync(tmp, 'w');
      try {
        writeSync(fd, JSON.stringify(Object.fromEntries(values)));
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      renameSync(tmp, path);
    } catch (err) {
      warn(`${path} could not be written (${(err as NodeJS.ErrnoException).code ?? 'error'}); identity is kept in memory`, err);
    }
  }

  function later(): void {
    dirty = true;
    if (timer !== undefined) return;
    timer = setTimeout(writeNow, writeDelayMs);
    // A pending write must not keep a Node process alive; Electron's app quits on its own.
    (timer as { unref?: () => void }).unref?.();
  }

  return {
    get: (key) => values.get(key) ?? null,
    set(key, value) {
      if (values.get(key) === value) return;
      const isNew = !values.has(key);
      values.set(key, value);
      if (isNew) writeNow();
      else later();
    },
    remove(key) {
      if (!values.delete(key)) return;
      writeNow();
    },
    flush() {
      if (dirty) writeNow();
    },
  };
}
