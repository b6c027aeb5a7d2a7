import { describe, expect, it } from 'vitest';
import { classifyStatus } from './status.js';

describe('classifyStatus', () => {
  it('is the one table of every sender', () => {
    const table = (count: number) => Object.fromEntries([0, 200, 202, 301, 400, 401, 403, 404, 408, 413, 422, 429, 500, 503].map((s) => [s, classifyStatus(s, count)]));
    expect(table(10)).toEqual({
      0: 'retry', 200: 'delivered', 202: 'delivered', 301: 'retry', 400: 'split', 401: 'unauthorized', 403: 'unauthorized',
      404: 'reject', 408: 'retry', 413: 'split', 422: 'split', 429: 'retry', 500: 'retry', 503: 'retry',
    });
    expect([400, 413, 422].map((s) => classifyStatus(s, 1))).toEqual(['reject', 'reject', 'reject']);
  });
});
