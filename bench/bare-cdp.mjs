// Chromium driven over a bare DevTools-protocol socket with only the Runtime and Performance
// domains on. Playwright enables the Network domain on every page, and its instrumentation
// copies each request body on the renderer's main thread (measured: 2–9 ms per fetch), which
// would be charged to the SDK; this keeps the main-thread figures about the page's own work.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { CHROMIUM_ARGS, requireChromium } from '../scripts/chromium.mjs';

/** Open `url` in a fresh headless Chromium; returns `{ send(method, params), evaluate(expr), close() }`. */
export async function openBarePage(url) {
  const profile = mkdtempSync(join(tmpdir(), 'tm-cdp-'));
  const executable = requireChromium();
  const proc = spawn(executable, ['--headless=new', '--no-sandbox', '--remote-debugging-port=0', `--user-data-dir=${profile}`, ...CHROMIUM_ARGS, 'about:blank'], { stdio: ['ignore', 'ignore', 'pipe'] });
  const endpoint = await new Promise((resolve, reject) => {
    let text = '';
    const timer = setTimeout(() => reject(new Error('Chromium did not print its DevTools endpoint within 15 s')), 15_000);
    proc.stderr.on('data', (chunk) => {
      text += chunk;
      const m = /DevTools listening on (ws:\/\/\S+)/.exec(text);
      if (m) clearTimeout(timer), resolve(m[1]);
    });
    proc.on('exit', () => reject(new Error(`Chromium exited: ${text.slice(-500)}`)));
  });
  const socket = new WebSocket(endpoint, { perMessageDeflate: false });
  await new Promise((resolve, reject) => (socket.once('open', resolve), socket.once('error', reject)));
  let nextId = 1;
  const waiting = new Map();
  socket.on('message', (data) => {
    const msg = JSON.parse(String(data));
    const w = waiting.get(msg.id);
    if (!w) return;
    waiting.delete(msg.id);
    msg.error ? w.reject(new Error(msg.error.message)) : w.resolve(msg.result);
  });
  const call = (method, params = {}, sessionId) =>
    new Promise((resolve, reject) => {
      const id = nextId++;
      waiting.set(id, { resolve, reject });
      socket.send(JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) }));
    });
  const { targetId } = await call('Target.createTarget', { url: 'about:blank' });
  const { sessionId } = await call('Target.attachToTarget', { targetId, flatten: true });
  const send = (method, params) => call(method, params, sessionId);
  await send('Page.enable');
  await send('Page.navigate', { url });
  // Wait for the page's scripts (the harness defines window.TM).
  for (let i = 0; i < 200; i++) {
    const { result } = await send('Runtime.evaluate', { expression: "typeof TM !== 'undefined'", returnByValue: true });
    if (result.value) break;
    await new Promise((r) => setTimeout(r, 25));
  }
  return {
    send,
    async evaluate(expression) {
      const { result, exceptionDetails } = await send('Runtime.evaluate', { expression, awaitPromise: true, returnByValue: true });
      if (exceptionDetails) throw new Error(exceptionDetails.exception?.description ?? exceptionDetails.text);
      return result.value;
    },
    async close() {
      // A graceful Browser.close lets Chromium's helper processes finish writing the profile.
      const exited = new Promise((r) => proc.once('exit', r));
      await call('Browser.close').catch(() => {});
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5_000))]);
      proc.kill('SIGKILL');
      socket.close();
      rmSync(profile, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
    },
  };
}
