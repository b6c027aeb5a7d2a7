import { readFileSync } from 'node:fs';
import { TidemarkError } from '@tidemark/core';
import { describe, expect, it } from 'vitest';
import { createServerClient } from './create-server-client.js';
import { resolveServerOptions } from './server-options.js';
import { LIBRARY } from './version.js';

function thrown(fn: () => unknown): TidemarkError {
  try {
    fn();
  } catch (error) {
    if (error instanceof TidemarkError) return error;
    throw error;
  }
  throw new Error('expected a TidemarkError');
}

describe('server client options', () => {
  it('applies the documented defaults', () => {
    const o = resolveServerOptions({ writeKey: 'wk_test' });
    expect(o).toMatchObject({
      writeKey: 'wk_test', endpoint: 'http://localhost:8787/v1/batch', flushAt: 20, flushInterval: 10_000,
      timeout: 10_000, retryLimit: 3, maxQueueSize: 100_000, maxQueueBytes: 64 * 1024 * 1024, maxConcurrentRequests: 4, debug: false,
      spool: undefined,
    });
  });

  it('takes the string shorthand and the apiKey spelling', () => {
    expect(resolveServerOptions('dk_abc').writeKey).toBe('dk_abc');
    expect(resolveServerOptions({ apiKey: 'dk_abc' }).writeKey).toBe('dk_abc');
  });

  it('builds the batch URL from a host with or without a slash or the path', () => {
    expect(resolveServerOptions({ writeKey: 'k', host: 'https://c.example.com/' }).endpoint).toBe('https://c.example.com/v1/batch');
    expect(resolveServerOptions({ writeKey: 'k', host: 'https://c.example.com/base' }).endpoint).toBe('https://c.example.com/base/v1/batch');
    expect(resolveServerOptions({ writeKey: 'k', host: 'http://127.0.0.1:9/v1/batch' }).endpoint).toBe('http://127.0.0.1:9/v1/batch');
  });

  it.each([
    [{ flushAt: 0 }, 'flushAt must be an integer from 1 to 100 (got 0)'],
    [{ flushAt: 101 }, 'flushAt must be an integer from 1 to 100 (got 101)'],
    [{ flushAt: 2.5 }, 'flushAt must be an integer from 1 to 100'],
    [{ flushAt: '20' }, 'flushAt must be an integer from 1 to 100 (got "20")'],
    [{ timeout: 999 }, 'timeout must be an integer from 1000 to 60000'],
    [{ timeout: 60_001 }, 'timeout must be an integer from 1000 to 60000'],
    [{ maxQueueSize: 99 }, 'maxQueueSize must be an integer from 100 to 1000000'],
    [{ maxQueueSize: 1_000_001 }, 'maxQueueSize must be an integer from 100 to 1000000'],
    [{ maxQueueBytes: 1024 }, 'maxQueueBytes must be an integer from 1048576 to 1073741824'],
    [{ spool: {} }, 'spool needs a directory'],
    [{ spool: { dir: '' } }, 'spool needs a directory'],
    [{ retryLimit: -1 }, 'retryLimit must be an integer from 0 to 10'],
    [{ flushInterval: -5 }, 'flushInterval must be an integer from 0 to 86400000'],
    [{ maxConcurrentRequests: 0 }, 'maxConcurrentRequests must be an integer from 1 to 32'],
    [{ host: 'ftp://x' }, 'host must use http: or https:'],
    [{ host: 'not a url' }, 'host must be an http(s) URL'],
    [{ onError: 'log' }, 'onError must be a function'],
  ])('rejects %j at once with the fix', (bad, message) => {
    const error = thrown(() => createServerClient({ writeKey: 'wk_test', ...(bad as object) }));
    expect(error.code).toBe('invalid_option');
    expect(error.message).toContain(message);
  });

  it.each([[{}], [{ writeKey: '' }], [''], [{ writeKey: 'has space' }], [{ writeKey: 'crlf\r\n' }], [null]])('requires a usable write key: %j', (bad) => {
    const error = thrown(() => createServerClient(bad as never));
    expect(error.code).toBe('invalid_option');
    expect(error.message).toMatch(/writeKey|options must be/);
  });

  it('stamps the package version as context.library', () => {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { name: string; version: string };
    expect(LIBRARY).toEqual({ name: pkg.name, version: pkg.version });
  });
});
