import { webcrypto } from 'node:crypto';
import { join } from 'node:path';
import { localLock, Tidemark, TidemarkError, VERSION, type TidemarkEvent, type TidemarkOptions, type Transport } from '@tidemark/core';
import { sayOnce } from '@tidemark/protocol';
import { FileStore } from '@tidemark/node-store';
import { httpTransport } from '@tidemark/transport-http';
import { eventDeviceContext, installDeviceId, readDeviceInfo, sessionDeviceContext } from './device-info.js';
import type { ElectronMain } from './electron-types.js';
import { fileKeyValue, type FileKeyValue } from './file-key-value.js';
import { registerIpcBridge } from './ipc-main.js';
import { IPC_CHANNEL, type IpcMethod } from './ipc-protocol.js';
import { electronLifecycle } from './main-lifecycle.js';
import { holdQuit } from './quit-hold.js';
import { WindowPage } from './window-page.js';

/** Options of {@link initMain}: the core's, minus what the main process provides itself. */
export interface InitMainOptions extends Omit<TidemarkOptions, 'transport' | 'store' | 'storage' | 'lifecycle' | 'context' | 'lock' | 'cookie'> {
  /** `require('electron')` in the main process (`app`, `ipcMain`, `powerMonitor`, `net`). */
  electron: ElectronMain;
  /** Collector origin for the default HTTP transport, e.g. `https://collector.example`. */
  host?: string;
  /** How events travel. @default httpTransport({ host }) over Electron's `net.fetch` where present */
  transport?: Transport;
  /** Where the queue and identity live. @default `<userData>/tidemark` */
  dataDir?: string;
  /** Longest wait for the flush on quit, in ms. @default 2000 */
  quitFlushMs?: number;
  /** Renderer bridge: the methods allowed and which frames may call, or `false` for none. @default all methods, all frames */
  ipc?: false | { methods?: readonly IpcMethod[]; allowSender?: (url: string) => boolean };
}

/** Default of {@link InitMainOptions.quitFlushMs}. */
export const QUIT_FLUSH_MS = 2_000;

/** The parts {@link initMain} builds before the client exists. */
export interface MainParts {
  store: FileStore;
  core: TidemarkOptions;
  dataDir: string;
  deviceId: string;
  storage: FileKeyValue;
  windowPage: WindowPage;
  lifecycle: ReturnType<typeof electronLifecycle>;
  report: (error: TidemarkError) => void;
}

/**
 * Check the options and build the store, storage, lifecycle and context for the client.
 *
 * @param options - see {@link InitMainOptions}
 * @returns the parts
 * @throws TidemarkError `invalid_option`
 */
export function buildMainParts(options: InitMainOptions): MainParts {
  if (!options || typeof options !== 'object') {
    throw new TidemarkError('invalid_option', "options are required: initMain({ writeKey: 'wk_…', host: 'https://collector.example', electron: require('electron') })");
  }
  const { electron, host, dataDir: dir, quitFlushMs: _quitFlushMs, ipc: _ipc, ...coreOptions } = options;
  if (!electron?.app || !electron.ipcMain || !electron.powerMonitor || !electron.net) {
    throw new TidemarkError('invalid_option', "electron is required (pass { electron: require('electron') } in the main process)");
  }
  if (!options.transport && typeof host !== 'string') {
    throw new TidemarkError('invalid_option', "host is required unless a transport is given (pass { host: 'https://collector.example' })");
  }
  if (typeof options.writeKey !== 'string' || !options.writeKey.trim()) {
    // Checked here too (the core checks again) so that nothing touches the disk first.
    throw new TidemarkError('invalid_option', "writeKey is required (pass { writeKey: 'wk_…' })");
  }
  const { app, net, powerMonitor } = electron;
  if ((app as { isReady?: () => boolean }).isReady?.() === false) {
    throw new TidemarkError('invalid_option', 'initMain needs the app to be ready (call it in app.whenReady().then(…))');
  }
  // Like the core without a listener: say each distinct problem once.
  const warn = sayOnce((line: string) => console.warn(line));
  const report = (error: TidemarkError) => (options.onError ? options.onError(error) : warn(error.code, `[tidemark] ${error.message}`));

  const dataDir = dir ?? join(app.getPath('userData'), 'tidemark');
  const storage = fileKeyValue({ path: join(dataDir, 'state.json'), onWarning: report });
  const deviceId = installDeviceId(storage);
  const info = readDeviceInfo({ app }, deviceId);
  const perEvent = eventDeviceContext(info);
  const atSessionStart = sessionDeviceContext(info);
  const windowPage = new WindowPage();
  const lifecycle = electronLifecycle({ net, powerMonitor });
  const userBeforeSend = options.beforeSend;
  const store = new FileStore({ dir: join(dataDir, 'queue'), onWarning: report });

  const core: TidemarkOptions = {
    ...coreOptions,
    transport: options.transport ?? httpTransport({ host: host!, ...(typeof net.fetch === 'function' ? { fetch: net.fetch.bind(net) } : {}) }),
    store,
    storage,
    lifecycle,
    // One process owns the queue; no cross-tab lock is needed.
    lock: localLock(),
    context: () => {
      const page = windowPage.current;
      return page ? { ...perEvent, page } : perEvent;
    },
    // The full device facts go on the session's first event only (as Nucleus's `init`).
    beforeSend: (event: TidemarkEvent) => {
      const ready = event.type === 'track' && event.event === 'session_start' ? { ...event, context: { ...event.context, ...atSessionStart } } : event;
      return userBeforeSend ? userBeforeSend(ready) : ready;
    },
    library: options.library ?? { name: '@tidemark/electron', version: VERSION },
    // Electron 28's main process runs Node 18, which has no `crypto` global for the core's IDs.
    randomValues: options.randomValues ?? ((bytes) => webcrypto.getRandomValues(bytes)),
  };
  return { store, core, dataDir, deviceId, storage, windowPage, lifecycle, report };
}

/**
 * The main-process client: Tidemark's client on a {@link FileStore}, fed by every window
 * through the IPC bridge, flushed on quit. Make one with {@link initMain}.
 */
export class TidemarkMain extends Tidemark {
  /** SHA-256 of this installation's random install ID. */
  readonly deviceId: string;
  /** Where the queue (`queue/`) and identity (`state.json`) are kept. */
  readonly dataDir: string;
  readonly #storage: FileKeyValue;
  readonly #stop: Array<() => void>;
  readonly #releaseQuit: () => void;

  /**
   * Prefer {@link initMain}, which also releases the parts if the core refuses an option.
   *
   * @param parts - from {@link buildMainParts}
   * @param options - the options the parts were built from
   */
  constructor(parts: MainParts, options: InitMainOptions) {
    super(parts.core);
    this.deviceId = parts.deviceId;
    this.dataDir = parts.dataDir;
    this.#storage = parts.storage;
    const { app, ipcMain } = options.electron;
    this.#stop = [() => parts.lifecycle.dispose()];
    this.#releaseQuit = holdQuit({
      app,
      flush: () => this.flush(),
      close: (timeoutMs) => this.close(timeoutMs),
      timeoutMs: options.quitFlushMs ?? QUIT_FLUSH_MS,
    });
    if (options.ipc !== false) {
      const ipc = options.ipc ?? {};
      try {
        this.#stop.push(registerIpcBridge({ ipcMain, client: this, windowPage: parts.windowPage, ...ipc, onError: parts.report }));
      } catch (err) {
        // Electron allows one handler per channel: a second initMain in the same app.
        void this.close(0);
        throw new TidemarkError('invalid_option', `Another handler already serves ${IPC_CHANNEL}: call initMain once per app (or pass ipc: false)`, err);
      }
    }
  }

  /**
   * Stop the IPC bridge and connectivity watch, flush within `timeoutMs`, and close the
   * queue file. Called on quit; events not sent stay on disk for the next launch.
   *
   * @param timeoutMs - longest wait for the final flush @default 5000
   */
  override async close(timeoutMs?: number): Promise<void> {
    for (const stop of this.#stop.splice(0)) stop();
    await super.close(timeoutMs);
    this.#storage.flush();
    this.#releaseQuit();
  }
}

/**
 * Start Tidemark in Electron's main process, once, after `app.whenReady()`. Events from the
 * main process and from every window (see `exposeTidemark` in `@tidemark/electron/preload`)
 * share one durable queue under `userData/tidemark/queue`, one anonymous ID and one session;
 * each event carries the device context, and its window's page when it came from one. On
 * quit, the queue is flushed for up to `quitFlushMs`.
 *
 * @param options - `writeKey`, `host` (or `transport`) and `electron` are required
 * @returns the client
 * @throws TidemarkError `invalid_option` when an option is missing or wrong
 * @example
 * const electron = require('electron');
 * electron.app.whenReady().then(() => {
 *   const tidemark = initMain({ writeKey: 'wk_123', host: 'https://collector.example', electron });
 *   tidemark.track('App Launched');
 * });
 */
export function initMain(options: InitMainOptions): TidemarkMain {
  const parts = buildMainParts(options);
  try {
    return new TidemarkMain(parts, options);
  } catch (err) {
    // The core refused an option. The store has not opened (it opens on first use), so
    // only the power-monitor listeners need removing.
    parts.lifecycle.dispose();
    throw err;
  }
}
