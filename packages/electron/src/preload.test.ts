import { describe, expect, it } from 'vitest';
import { IPC_CHANNEL } from './ipc-protocol.js';
import { exposeTidemark } from './preload.js';
import { contextBridgeStandIn } from './test-support/electron-stand-ins.js';

/** An ipcRenderer that records what the preload sends and answers `reply`. */
function recordingRenderer(reply: unknown = { ok: true }) {
  const sent: unknown[][] = [];
  return { sent, invoke: async (...args: unknown[]) => (sent.push(args), reply) };
}

describe('exposeTidemark', () => {
  it('exposes the API through contextBridge and sends plain JSON on one channel', async () => {
    const contextBridge = contextBridgeStandIn();
    const ipcRenderer = recordingRenderer();
    const api = exposeTidemark({ contextBridge, ipcRenderer });
    expect(contextBridge.exposed.get('tidemark')).toBe(api);
    await api.track('Exported', { at: new Date(0), fn: () => 1, n: 2 });
    await api.identify(undefined, { plan: 'pro' });
    await api.identify(null);
    expect(ipcRenderer.sent).toEqual([
      [IPC_CHANNEL, { method: 'track', args: ['Exported', { at: '1970-01-01T00:00:00.000Z', n: 2 }] }],
      [IPC_CHANNEL, { method: 'identify', args: [undefined, { plan: 'pro' }] }],
      [IPC_CHANNEL, { method: 'identify', args: [null] }],
    ]);
  });

  it('never rejects: refusals, unserializable arguments and a silent main process are reported', async () => {
    const errors: string[] = [];
    const refusing = exposeTidemark(
      { contextBridge: contextBridgeStandIn(), ipcRenderer: recordingRenderer({ ok: false, code: 'event_too_large', message: 'too big' }) },
      { onError: (e) => errors.push(e.code) },
    );
    await expect(refusing.track('x', { s: 'y' })).resolves.toBeUndefined();

    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    const renderer = recordingRenderer();
    const local = exposeTidemark({ contextBridge: contextBridgeStandIn(), ipcRenderer: renderer }, { onError: (e) => errors.push(e.code) });
    await expect(local.track('x', cyclic)).resolves.toBeUndefined();
    expect(renderer.sent).toEqual([]);

    const silent = exposeTidemark(
      { contextBridge: contextBridgeStandIn(), ipcRenderer: { invoke: () => Promise.reject(new Error("No handler registered for 'tidemark:call'")) } },
      { onError: (e) => errors.push(e.code) },
    );
    await expect(silent.getAnonymousId()).resolves.toBeUndefined();
    expect(errors).toEqual(['event_too_large', 'invalid_event', 'closed']);
  });

  it('falls back to a global when contextIsolation is off', () => {
    const contextBridge = {
      exposeInMainWorld: () => {
        throw new Error('contextBridge API can only be used when contextIsolation is enabled');
      },
    };
    const api = exposeTidemark({ contextBridge, ipcRenderer: recordingRenderer() }, { key: '__tidemarkTest' });
    expect((globalThis as Record<string, unknown>).__tidemarkTest).toBe(api);
    delete (globalThis as Record<string, unknown>).__tidemarkTest;
  });
});
