import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { TidemarkError } from '@tidemark/core';
import { fileKeyValue } from './file-key-value.js';
import { makeReadOnly, makeWritable, tempDir } from '@tidemark/test-kit';

const cleanups: Array<() => unknown> = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0).reverse()) cleanup();
});

function setup() {
  const { dir, remove } = tempDir();
  cleanups.push(remove);
  const path = join(dir, 'tidemark', 'state.json');
  const warnings: TidemarkError[] = [];
  const onDisk = () => JSON.parse(readFileSync(path, 'utf8')) as Record<string, string>;
  return { dir, path, warnings, onDisk, open: () => fileKeyValue({ path, onWarning: (w) => warnings.push(w), writeDelayMs: 60_000 }) };
}

describe('fileKeyValue', () => {
  it('writes a new key and a removal at once, and coalesces updates until flush()', () => {
    const { path, open, onDisk } = setup();
    const storage = open();
    storage.set('tm_aid', 'anon-1');
    expect(onDisk()).toEqual({ tm_aid: 'anon-1' });
    storage.set('tm_session', '1.1');
    storage.set('tm_session', '1.2');
    storage.set('tm_session', '1.3');
    expect(onDisk()).toEqual({ tm_aid: 'anon-1', tm_session: '1.1' });
    storage.flush();
    expect(onDisk()).toEqual({ tm_aid: 'anon-1', tm_session: '1.3' });
    storage.remove('tm_aid');
    expect(onDisk()).toEqual({ tm_session: '1.3' });
    expect(existsSync(`${path}.tmp`)).toBe(false);
    expect(open().get('tm_session')).toBe('1.3');
  });

  it('starts afresh from a damaged file and says so once', () => {
    const { path, open, warnings } = setup();
    open().set('a', '1');
    writeFileSync(path, '{"a":"1", truncated');
    const storage = open();
    expect(storage.get('a')).toBeNull();
    expect(warnings.map((w) => w.code)).toEqual(['storage_unavailable']);
    storage.set('b', '2');
    expect(open().get('b')).toBe('2');
  });

  it('keeps working in memory when the directory refuses writes, warning once', () => {
    const { dir, open, warnings } = setup();
    makeReadOnly(dir);
    cleanups.push(() => makeWritable(dir));
    const storage = open();
    storage.set('tm_aid', 'anon-1');
    storage.set('tm_uid', 'user-1');
    storage.remove('tm_uid');
    expect(storage.get('tm_aid')).toBe('anon-1');
    expect(storage.get('tm_uid')).toBeNull();
    expect(warnings).toHaveLength(1);
    expect(['EACCES', 'EPERM']).toContain((warnings[0]!.cause as NodeJS.ErrnoException).code);
  });
});
