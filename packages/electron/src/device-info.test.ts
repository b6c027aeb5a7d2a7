import { describe, expect, it } from 'vitest';
import { memoryKeyValue, type TidemarkEvent } from '@tidemark/core';
import { nucleusEncoder } from '@tidemark/transport-ws';
import { eventDeviceContext, installDeviceId, readDeviceInfo, sessionDeviceContext } from './device-info.js';

const app = { getName: () => 'Notes', getVersion: () => '2.0.1', getLocale: () => 'de-DE' };

describe('device info', () => {
  it('reads the running process by default', () => {
    const info = readDeviceInfo({ app }, 'd'.repeat(64));
    expect(info).toMatchObject({ platform: process.platform, arch: process.arch, appName: 'Notes', appVersion: '2.0.1', locale: 'de-DE', nodeVersion: process.versions.node });
    expect(info.osVersion).toMatch(/\d/);
    expect(Number.isInteger(info.totalRam) && info.totalRam >= 0).toBe(true);
  });

  it('makes one stable device ID per install, never the install ID itself', () => {
    const storage = memoryKeyValue();
    const first = installDeviceId(storage);
    expect(installDeviceId(storage)).toBe(first);
    expect(first).toMatch(/^[0-9a-f]{64}$/);
    expect(storage.get('tm_install_id')).not.toBe(first);
    expect(installDeviceId(memoryKeyValue())).not.toBe(first);
    storage.set('tm_install_id', 'tampered');
    expect(installDeviceId(storage)).not.toBe(first);
  });

  it('puts the Nucleus init fields where the Nucleus encoder reads them', () => {
    const info = readDeviceInfo(
      { app, platform: 'darwin', arch: 'arm64', osVersion: '14.4.1', totalMemoryBytes: 16 * 1024 ** 3, versions: { electron: '31.0.0', chrome: '126.0.6478.36', node: '20.14.0' } },
      'f'.repeat(64),
    );
    const base = { messageId: 'm1', timestamp: '2026-01-01T00:00:00.000Z', anonymousId: 'anon-0001', type: 'track' as const };
    const library = { name: '@tidemark/electron', version: '0' };
    const init = nucleusEncoder({ ...base, event: 'session_start', context: { library, sessionId: 7, ...sessionDeviceContext(info) } } as TidemarkEvent);
    expect(init).toMatchObject({ type: 'init', deviceId: 'f'.repeat(64), platform: 'darwin', osVersion: '14.4.1', totalRam: 16, version: '2.0.1', language: 'de-DE' });

    const regular = { ...base, event: 'Saved', context: { library, sessionId: 7, ...eventDeviceContext(info) } } as TidemarkEvent;
    expect(regular.context.device).toEqual({ id: 'f'.repeat(64) });
    expect(regular.context.runtime).toBeUndefined();
    expect(nucleusEncoder(regular)).toMatchObject({ type: 'event', deviceId: 'f'.repeat(64) });
    expect(sessionDeviceContext(info).runtime).toEqual({ electron: '31.0.0', chrome: '126.0.6478.36', node: '20.14.0' });
  });
});
