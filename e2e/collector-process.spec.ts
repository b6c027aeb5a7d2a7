// The collector as a real child process: acknowledged events survive SIGKILL, SIGTERM lets
// in-flight writes finish, and the CLI reports bad flags and unusable paths clearly.
import { connect } from 'node:net';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import WebSocket from 'ws';
import { basic, exportedIds, killChildren, removeTempDirs, runCliToExit, spawnCli, tempDir, trackEvent } from './support/collector-process.js';

test.afterEach(() => {
  killChildren();
  removeTempDirs();
});

const keys = ['--write-key', 'wk', '--read-key', 'rk', '--app-id', 'app', '-q'];

/** Send frames on one socket and collect every acknowledged id. */
async function sendFrames(url: string, frames: Array<Array<Record<string, unknown>>>): Promise<string[]> {
  const ws = new WebSocket(`${url.replace('http', 'ws')}/app/app/track`);
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  const acked: string[] = [];
  await new Promise<void>((resolve) => {
    let answers = 0;
    ws.on('message', (data) => {
      acked.push(...(JSON.parse(String(data)) as { reportedIds: string[] }).reportedIds);
      if (++answers === frames.length) resolve();
    });
    for (const frame of frames) ws.send(JSON.stringify({ data: frame }));
  });
  ws.terminate();
  return acked;
}

test('events acknowledged before a SIGKILL are all there after a restart, each once', async () => {
  const db = join(tempDir(), 'events.db');
  const first = await spawnCli(['--port', '0', '--db', db, ...keys]);
  const batches = Array.from({ length: 12 }, (_, b) => Array.from({ length: 100 }, (_, i) => trackEvent(`http-${b}`, { i })));
  const acked: string[] = [];
  await Promise.all(
    batches.map(async (batch) => {
      const res = await fetch(`${first.url}/v1/batch`, { method: 'POST', headers: { authorization: basic('wk'), 'content-type': 'application/json' }, body: JSON.stringify({ batch, sentAt: new Date().toISOString() }) });
      expect(res.status).toBe(200);
      acked.push(...batch.map((e) => e.messageId as string));
    }),
  );
  const frames = Array.from({ length: 5 }, (_, f) => Array.from({ length: 100 }, (_, i) => trackEvent(`ws-${f}`, { i })));
  acked.push(...(await sendFrames(first.url, frames)));
  expect(acked).toHaveLength(1700);

  first.proc.kill('SIGKILL');
  expect((await first.exited).signal).toBe('SIGKILL');

  const second = await spawnCli(['--port', '0', '--db', db, ...keys]);
  const stored = await exportedIds(second.url, 'rk');
  expect(stored).toHaveLength(acked.length);
  expect(new Set(stored)).toEqual(new Set(acked));
  // Resending after the restart is acknowledged and deduplicated.
  expect(await sendFrames(second.url, [frames[0]!])).toHaveLength(100);
  const stats = (await (await fetch(`${second.url}/v1/stats`, { headers: { authorization: 'Bearer rk' } })).json()) as Record<string, number>;
  expect(stats).toMatchObject({ stored: 0, duplicates: 100, totalEvents: 1700 });
});

test('SIGTERM lets a request that is still arriving finish and commit, then exits 0', async () => {
  const dir = tempDir();
  const db = join(dir, 'events.db');
  const cli = await spawnCli(['--port', '0', '--db', db, ...keys]);
  const event = trackEvent('in-flight');
  const body = JSON.stringify({ batch: [event], sentAt: new Date().toISOString() });
  const socket = connect(cli.port, '127.0.0.1');
  let answer = '';
  socket.on('data', (d) => (answer += d));
  const ended = new Promise((resolve) => socket.on('close', resolve));
  socket.write(`POST /v1/batch HTTP/1.1\r\nHost: x\r\nAuthorization: ${basic('wk')}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n`);
  socket.write(body.slice(0, 20));
  await new Promise((resolve) => setTimeout(resolve, 200));
  cli.proc.kill('SIGTERM');
  await expect.poll(() => cli.output()).toContain('SIGTERM');
  // The rest of the body; the socket stays open for the answer (as HTTP clients keep it).
  socket.write(body.slice(20));
  await ended;
  expect(answer).toMatch(/^HTTP\/1\.1 200/);
  expect((await cli.exited).code).toBe(0);

  const again = await spawnCli(['--port', '0', '--db', db, ...keys]);
  expect(await exportedIds(again.url, 'rk')).toEqual([event.messageId]);
});

test('the CLI prints --help, reads keys from the environment, and refuses bad flags and paths', async () => {
  const help = await runCliToExit(['--help']);
  expect(help.code).toBe(0);
  expect(help.output).toContain('Usage: tidemark-collector');

  const bad = await runCliToExit(['--prot', '1']);
  expect(bad.code).toBe(2);
  expect(bad.output).toContain("Unknown option '--prot'");

  const port = await runCliToExit(['--port', 'eighty', ...keys]);
  expect(port.code).toBe(2);
  expect(port.output).toContain('--port must be a whole number');

  const noKeys = await runCliToExit(['--port', '0', '--db', join(tempDir(), 'x.db')]);
  expect(noKeys.code).toBe(2);
  expect(noKeys.output).toContain('writeKeys is required');

  const dir = tempDir();
  writeFileSync(join(dir, 'a-file'), '');
  const unwritable = join(dir, 'a-file', 'events.db');
  const path = await runCliToExit(['--port', '0', '--db', unwritable, ...keys]);
  expect(path.code).toBe(1);
  expect(path.output).toContain(`cannot open the database "${unwritable}"`);

  const missingDir = await runCliToExit(['--port', '0', '--db', join(dir, 'nope', 'events.db'), ...keys]);
  expect(missingDir.code).toBe(1);
  expect(missingDir.output).toContain('does not exist');

  const fromEnv = await spawnCli([], { TIDEMARK_PORT: '0', TIDEMARK_DB: join(dir, 'env.db'), TIDEMARK_WRITE_KEYS: 'wk_env1,wk_env2', TIDEMARK_READ_KEYS: 'rk_env' });
  const res = await fetch(`${fromEnv.url}/v1/batch`, { method: 'POST', headers: { authorization: basic('wk_env2') }, body: JSON.stringify({ batch: [trackEvent('env')] }) });
  expect(res.status).toBe(200);
  fromEnv.proc.kill('SIGINT');
  expect((await fromEnv.exited).code).toBe(0);
});
