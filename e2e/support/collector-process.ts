// Support for the collector's end-to-end tests: the BUILT collector (dist/), in-process or as
// a real child process of its CLI, on 127.0.0.1 with a SQLite file in a temp directory.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const CLI = fileURLToPath(new URL('../../packages/collector/dist/cli.mjs', import.meta.url));
const DIST = fileURLToPath(new URL('../../packages/collector/dist/index.mjs', import.meta.url));

/** The built collector module (types from the source). */
export async function loadCollector(): Promise<typeof import('@tidemark/collector')> {
  return import(pathToFileURL(DIST).href);
}

const dirs: string[] = [];
/** A fresh temp directory, removed by {@link removeTempDirs}. */
export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'tidemark-e2e-collector-'));
  dirs.push(dir);
  return dir;
}
/** Remove every directory made by {@link tempDir}. */
export function removeTempDirs(): void {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** A running `tidemark-collector` child process. */
export interface CliProcess {
  proc: ChildProcess;
  url: string;
  port: number;
  output(): string;
  /** Resolves with the exit code (null when killed by a signal) and the signal. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const children = new Set<ChildProcess>();
/** SIGKILL every child still running (test clean-up). */
export function killChildren(): void {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  children.clear();
}

function start(args: string[], env: Record<string, string> = {}) {
  const proc = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(proc);
  let out = '';
  proc.stdout!.on('data', (d) => (out += d));
  proc.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => proc.on('exit', (code, signal) => resolve({ code, signal })));
  return { proc, exited, output: () => out };
}

/**
 * Start the CLI and wait for its "listening on" line.
 *
 * @param args - command-line arguments
 * @param env - extra environment variables
 * @returns the running process and its URL
 */
export async function spawnCli(args: string[], env: Record<string, string> = {}): Promise<CliProcess> {
  const child = start(args, env);
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the collector did not start:\n${child.output()}`)), 10_000);
    const check = () => {
      const match = /listening on (http:\/\/\S+)/.exec(child.output());
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    };
    child.proc.stdout!.on('data', check);
    void child.exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`the collector exited before listening:\n${child.output()}`));
    });
  });
  return { ...child, url, port: Number(new URL(url).port) };
}

/**
 * Run the CLI to its end (for --help and start-up errors).
 *
 * @param args - command-line arguments
 * @param env - extra environment variables
 * @returns exit code and everything it printed
 */
export async function runCliToExit(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; output: string }> {
  const child = start(args, env);
  const { code } = await child.exited;
  return { code, output: child.output() };
}

/** `Authorization` value of Basic auth with a write key. */
export const basic = (key: string) => `Basic ${Buffer.from(`${key}:`).toString('base64')}`;

let n = 0;
/** A valid Segment-shaped track event. */
export function trackEvent(name: string, props: Record<string, unknown> = {}): Record<string, unknown> {
  n += 1;
  return {
    type: 'track',
    messageId: `e2e-${process.pid}-${Date.now().toString(36)}-${n}`,
    timestamp: new Date().toISOString(),
    anonymousId: 'e2e-visitor',
    event: name,
    properties: props,
    context: { library: { name: 'e2e', version: '0' }, sessionId: 1_700_000_000_000 },
  };
}

/** Every messageId stored, following export cursors (read key `rk`). */
export async function exportedIds(url: string, readKey: string): Promise<string[]> {
  const ids: string[] = [];
  let cursor = '';
  for (let page = 0; page < 1000; page++) {
    const res = await fetch(`${url}/v1/export/events?pageSize=1000&cursor=${cursor}`, { headers: { authorization: `Bearer ${readKey}` } });
    const body = (await res.json()) as { items: Array<{ messageId: string }>; nextCursor: string };
    if (body.items.length === 0) break;
    ids.push(...body.items.map((i) => i.messageId));
    cursor = body.nextCursor;
  }
  return ids;
}
