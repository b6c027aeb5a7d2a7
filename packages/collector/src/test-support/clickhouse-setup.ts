// vitest globalSetup (never built into dist): starts one ClickHouse node for the collector's
// route tests, which then run against both stores. Where ClickHouse cannot run, the run says
// so in one line and the tests use SQLite only; under CI a missing server fails the run.
import type { TestProject } from 'vitest/node';
import { clickhouseMissing, startClickHouse } from '@tidemark/test-kit';

declare module 'vitest' {
  export interface ProvidedContext {
    /** URL of the test ClickHouse node, or null when none runs. */
    clickhouseUrl: string | null;
  }
}

/**
 * Start the node and hand its URL to the tests; the returned function stops it.
 *
 * @param project - the vitest project
 * @returns the teardown
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const missing = clickhouseMissing();
  if (missing) {
    if (process.env.CI) throw new Error(`ClickHouse tests must run in CI: ${missing}`);
    console.warn(`collector: ClickHouse tests not run: ${missing}`);
    project.provide('clickhouseUrl', null);
    return async () => {};
  }
  const cluster = await startClickHouse();
  project.provide('clickhouseUrl', cluster.urls[0]!);
  return () => cluster.stop();
}
