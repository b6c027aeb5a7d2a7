// The parts of Electron that Tidemark uses, as small structural interfaces. The `electron`
// module fits them as it is (`initMain({ electron: require('electron') })`), and tests pass
// stand-ins, so the package needs no Electron binary to build or test.

/** A listener as Node's `EventEmitter` declares them, which Electron's modules extend. */
export type Listener = (...args: any[]) => void;

/** An event Electron lets a listener cancel (`before-quit`, `will-quit`). */
export interface PreventableEvent {
  preventDefault(): void;
}

/** Electron's `app`. */
export interface ElectronApp {
  /** `app.getPath('userData')`: the per-user data directory of the app. */
  getPath(name: 'userData'): string;
  getName(): string;
  getVersion(): string;
  /** The UI locale, e.g. `en-US`. */
  getLocale(): string;
  /** `before-quit` and `will-quit` receive a {@link PreventableEvent}. */
  on(event: string, listener: Listener): unknown;
  removeListener(event: string, listener: Listener): unknown;
  quit(): void;
}

/** The sender of an `ipcMain.handle` call. */
export interface IpcInvokeEvent {
  /** The window's web contents. */
  sender?: { id?: number; getURL?(): string };
  /** The frame that sent the message; its URL cannot be forged by the page. */
  senderFrame?: { url?: string } | null;
}

/** Electron's `ipcMain`. */
export interface ElectronIpcMain {
  handle(channel: string, listener: (event: IpcInvokeEvent, ...args: any[]) => unknown): void;
  removeHandler(channel: string): void;
}

/** Electron's `powerMonitor`: `suspend`, `resume`, `shutdown`. */
export interface ElectronPowerMonitor {
  on(event: string, listener: Listener): unknown;
  removeListener(event: string, listener: Listener): unknown;
}

/** Electron's `net`. */
export interface ElectronNet {
  /** Whether Chromium believes the machine is online (Electron 12+). */
  isOnline(): boolean;
  /**
   * Chromium's network stack, which follows the system proxy (Electron 25+). Declared with
   * the narrowest input the transport passes (a URL string): Electron's own takes
   * `string | Request`, not `URL`, so `typeof fetch` would refuse the real module.
   */
  fetch?(input: string, init?: RequestInit): Promise<Response>;
}

/** The main-process modules {@link initMain} needs: pass `require('electron')`. */
export interface ElectronMain {
  app: ElectronApp;
  ipcMain: ElectronIpcMain;
  powerMonitor: ElectronPowerMonitor;
  net: ElectronNet;
}

/** Electron's `contextBridge`. */
export interface ElectronContextBridge {
  exposeInMainWorld(apiKey: string, api: any): void;
}

/** Electron's `ipcRenderer`. */
export interface ElectronIpcRenderer {
  invoke(channel: string, ...args: any[]): Promise<any>;
}

/** The preload-script modules {@link exposeTidemark} needs: pass `require('electron')`. */
export interface ElectronPreload {
  contextBridge: ElectronContextBridge;
  ipcRenderer: ElectronIpcRenderer;
}
