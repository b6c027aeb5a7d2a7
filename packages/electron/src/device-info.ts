import { createHash, randomBytes } from 'node:crypto';
import { release, totalmem } from 'node:os';
import type { EventContext, KeyValueStorage } from '@tidemark/core';
import type { ElectronApp } from './electron-types.js';

/** Storage key of the random install ID. */
const INSTALL_ID_KEY = 'tm_install_id';
const INSTALL_ID_PATTERN = /^[0-9a-f]{64}$/;

/**
 * The device ID: SHA-256 of a random install ID that is made once and kept in the app's data
 * directory. Never a hardware serial or MAC address: it identifies this installation for
 * this user, goes away with the data directory, and the install ID itself never leaves the
 * machine.
 *
 * @param storage - where the install ID is kept
 * @returns 64 hex characters
 * @example installDeviceId(fileKeyValue({ path })) // 'e3b0c442…'
 */
export function installDeviceId(storage: KeyValueStorage): string {
  let installId = storage.get(INSTALL_ID_KEY);
  if (!installId || !INSTALL_ID_PATTERN.test(installId)) {
    installId = randomBytes(32).toString('hex');
    storage.set(INSTALL_ID_KEY, installId);
  }
  return createHash('sha256').update(installId).digest('hex');
}

/** The device and app facts of Nucleus's `init` event. */
export interface DeviceInfo {
  deviceId: string;
  /** `process.platform`: `darwin`, `win32`, `linux`. */
  platform: string;
  /** The OS's own version (macOS 14.4, not the Darwin kernel's 23.4). */
  osVersion: string;
  /** CPU architecture: `x64`, `arm64`. */
  arch: string;
  /** Installed memory in GB, rounded. */
  totalRam: number;
  appName: string;
  appVersion: string;
  /** UI locale, e.g. `en-US`; empty before the app is ready. */
  locale: string;
  electronVersion?: string;
  chromeVersion?: string;
  nodeVersion?: string;
}

/** Where {@link readDeviceInfo} looks; everything but `app` defaults to the running process. */
export interface DeviceInfoSources {
  app: Pick<ElectronApp, 'getName' | 'getVersion' | 'getLocale'>;
  /** @default process.versions */
  versions?: Partial<Record<string, string>>;
  /** @default process.platform */
  platform?: string;
  /** @default process.arch */
  arch?: string;
  /** @default Electron's process.getSystemVersion(), else os.release() */
  osVersion?: string;
  /** @default os.totalmem() */
  totalMemoryBytes?: number;
}

/**
 * Read the device and app facts once (they do not change while the app runs).
 *
 * @param sources - Electron's `app`, and overrides for tests
 * @param deviceId - from {@link installDeviceId}
 * @returns the facts
 */
export function readDeviceInfo(sources: DeviceInfoSources, deviceId: string): DeviceInfo {
  const versions = sources.versions ?? process.versions;
  const getSystemVersion = (process as { getSystemVersion?: () => string }).getSystemVersion;
  const info: DeviceInfo = {
    deviceId,
    platform: sources.platform ?? process.platform,
    osVersion: sources.osVersion ?? (typeof getSystemVersion === 'function' ? getSystemVersion() : release()),
    arch: sources.arch ?? process.arch,
    totalRam: Math.round((sources.totalMemoryBytes ?? totalmem()) / 1024 ** 3),
    appName: sources.app.getName(),
    appVersion: sources.app.getVersion(),
    locale: sources.app.getLocale(),
  };
  if (versions.electron) info.electronVersion = versions.electron;
  if (versions.chrome) info.chromeVersion = versions.chrome;
  if (versions.node) info.nodeVersion = versions.node;
  return info;
}

/**
 * The context every event carries: app, OS and device ID, in the Segment-spec places that
 * the Nucleus encoder of `@tidemark/transport-ws` reads.
 *
 * @param info - from {@link readDeviceInfo}
 * @returns context fields
 */
export function eventDeviceContext(info: DeviceInfo): Partial<EventContext> {
  const context: Partial<EventContext> = {
    app: { name: info.appName, version: info.appVersion },
    os: { name: info.platform, version: info.osVersion },
    device: { id: info.deviceId },
  };
  if (info.locale) context.locale = info.locale;
  return context;
}

/**
 * The full context of a `session_start` event (Nucleus's `init`): the per-event fields plus
 * architecture, memory and the Electron, Chrome and Node versions.
 *
 * @param info - from {@link readDeviceInfo}
 * @returns context fields
 */
export function sessionDeviceContext(info: DeviceInfo): Partial<EventContext> {
  const context = eventDeviceContext(info);
  context.device = { id: info.deviceId, arch: info.arch, totalRam: info.totalRam };
  const runtime: Record<string, string> = {};
  if (info.electronVersion) runtime.electron = info.electronVersion;
  if (info.chromeVersion) runtime.chrome = info.chromeVersion;
  if (info.nodeVersion) runtime.node = info.nodeVersion;
  context.runtime = runtime;
  return context;
}
