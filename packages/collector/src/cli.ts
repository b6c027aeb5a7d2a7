#!/usr/bin/env node
import { existsSync, realpathSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { USAGE, parseCliArgs } from './cli-args.js';
import { startCollector } from './collector.js';
import { CollectorError } from './errors.js';
import { consoleLogger, type Logger } from './logger.js';

/**
 * Run `tidemark-collector`: parse flags and environment, start the collector, and stop it
 * gracefully (in-flight requests finish and commit) on SIGINT or SIGTERM.
 *
 * @param argv - arguments after the program name
 * @param env - environment variables
 * @returns the exit code: 0 after a clean stop or `--help`, 1 when the collector cannot start, 2 for a bad flag
 * @example process.exitCode = await runCli(process.argv.slice(2), process.env);
 */
export async function runCli(argv: string[], env: Record<string, string | undefined>): Promise<number> {
  let config;
  try {
    config = parseCliArgs(argv, env);
  } catch (err) {
    console.error(`tidemark-collector: ${(err as Error).message}`);
    return 2;
  }
  if (config.help) {
    console.log(USAGE);
    return 0;
  }
  const base = consoleLogger();
  const logger: Logger = config.quiet ? { ...base, info() {} } : base;
  const { dbPath = '', store } = config.options;
  if (store !== 'clickhouse' && dbPath !== ':memory:' && !existsSync(dirname(resolve(dbPath)))) {
    console.error(`tidemark-collector: the directory of --db ${JSON.stringify(dbPath)} does not exist; create it or pick another path`);
    return 1;
  }
  let collector;
  try {
    collector = await startCollector({ ...config.options, logger });
  } catch (err) {
    console.error(`tidemark-collector: ${err instanceof Error ? err.message : String(err)}`);
    return err instanceof CollectorError && err.code === 'invalid_option' ? 2 : 1;
  }
  const where = store === 'clickhouse' ? `ClickHouse ${config.options.clickhouse?.urls.join(', ')}` : `database ${dbPath}`;
  console.log(`tidemark-collector listening on ${collector.url} (${where})`);
  console.log(`dashboard: ${collector.url}/ (open it with a read key)`);
  const running = collector;
  return new Promise<number>((done) => {
    let stopping = false;
    const stop = (signal: string) => {
      if (stopping) return;
      stopping = true;
      console.log(`tidemark-collector: ${signal}, finishing in-flight writes…`);
      running.close().then(
        () => done(0),
        (err: unknown) => {
          console.error(`tidemark-collector: stopping failed: ${String(err)}`);
          done(1);
        },
      );
    };
    process.once('SIGINT', () => stop('SIGINT'));
    process.once('SIGTERM', () => stop('SIGTERM'));
  });
}

/** True when this module is the program (also through npm's bin symlink), not an import. */
function isMain(): boolean {
  const entry = process.argv[1];
  if (!entry) return false;
  try {
    return realpathSync(entry) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isMain()) {
  runCli(process.argv.slice(2), process.env).then((code) => {
    process.exitCode = code;
  });
}
