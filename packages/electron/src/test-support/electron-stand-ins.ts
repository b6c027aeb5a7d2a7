import { EventEmitter } from 'node:events';
import type {
  ElectronApp,
  ElectronContextBridge,
  ElectronIpcMain,
  ElectronIpcRenderer,
  ElectronMain,
  ElectronNet,
  IpcInvokeEvent,
  PreventableEvent,
} from '../electron-types.js';

// Stand-ins for the Electron modules, for tests in Node (Electron's binary cannot be
// downloaded here). They model the behaviour Tidemark relies on and nothing more:
// - IPC passes every message and reply through structuredClone, as Electron serializes them,
//   and delivers each in a task of its own, as messages between processes arrive;
// - the app's quit runs `before-quit`, then `will-quit`, then `quit`, each cancellable.

/** Electron's `app` quit sequence, recorded. */
export class AppStandIn extends EventEmitter implements ElectronApp {
  /** What happened, in order: `quit()` calls, events emitted, whether they were prevented. */
  readonly log: string[] = [];
  exited = false;

  constructor(
    readonly userData: string,
    readonly locale = 'en-GB',
  ) {
    super();
  }

  getPath(): string {
    return this.userData;
  }
  getName(): string {
    return 'Stand-in App';
  }
  getVersion(): string {
    return '3.1.4';
  }
  getLocale(): string {
    return this.locale;
  }
  isReady(): boolean {
    return true;
  }

  quit(): void {
    this.log.push('quit()');
    if (this.exited) return;
    if (this.#emitPreventable('before-quit')) return;
    // Electron closes the windows here, then:
    if (this.#emitPreventable('will-quit')) return;
    this.exited = true;
    this.log.push('exit');
    this.emit('quit');
  }

  #emitPreventable(name: string): boolean {
    let prevented = false;
    const event: PreventableEvent = { preventDefault: () => void (prevented = true) };
    this.emit(name, event);
    this.log.push(prevented ? `${name} (held)` : name);
    return prevented;
  }
}

/** A window's view of IPC: its `ipcRenderer`, and the frame URL the main process sees. */
export interface IpcLink {
  ipcMain: ElectronIpcMain;
  /** The `ipcRenderer` of a window showing `url`. */
  renderer(url: string, webContentsId?: number): ElectronIpcRenderer;
}

/**
 * `ipcMain` and per-window `ipcRenderer`s joined in one process, with Electron's
 * structured-clone serialization on the way in and out.
 *
 * @returns the link
 */
export function ipcLink(): IpcLink {
  const handlers = new Map<string, (event: IpcInvokeEvent, ...args: unknown[]) => unknown>();
  return {
    ipcMain: {
      handle(channel, listener) {
        if (handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
        handlers.set(channel, listener);
      },
      removeHandler: (channel) => void handlers.delete(channel),
    },
    renderer: (url, id = 1) => ({
      async invoke(channel, ...args) {
        const handler = handlers.get(channel);
        if (!handler) throw new Error(`No handler registered for '${channel}'`);
        const event: IpcInvokeEvent = { sender: { id, getURL: () => url }, senderFrame: { url } };
        const message = structuredClone(args);
        await new Promise((resolve) => setImmediate(resolve));
        return structuredClone(await handler(event, ...message));
      },
    }),
  };
}

/** A `contextBridge` that keeps what was exposed, by key, as the page would see it. */
export function contextBridgeStandIn(): ElectronContextBridge & { exposed: Map<string, unknown> } {
  const exposed = new Map<string, unknown>();
  return {
    exposed,
    exposeInMainWorld(key, api) {
      if (exposed.has(key)) throw new Error(`Cannot bind an API on top of an existing property on the window object: ${key}`);
      exposed.set(key, api);
    },
  };
}

/** `net` with a switchable online state. */
export function netStandIn(online = true): ElectronNet & { online: boolean } {
  const net = { online, isOnline: () => net.online };
  return net;
}

/**
 * Everything `initMain` needs.
 *
 * @param userData - the app's data directory
 * @returns the modules, and the IPC link to make windows with
 */
export function electronStandIn(userData: string): ElectronMain & { app: AppStandIn; link: IpcLink; powerMonitor: EventEmitter; net: ReturnType<typeof netStandIn> } {
  const link = ipcLink();
  return { app: new AppStandIn(userData), ipcMain: link.ipcMain, powerMonitor: new EventEmitter(), net: netStandIn(), link };
}
