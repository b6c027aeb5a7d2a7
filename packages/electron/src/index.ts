export { initMain, TidemarkMain, QUIT_FLUSH_MS } from './init-main.js';
export type { InitMainOptions } from './init-main.js';
// The file store has its home in @tidemark/node-store; re-exported so Electron apps keep one import.
export { FileStore } from '@tidemark/node-store';
export type { FileStoreOptions, StoreFs, StoreFileHandle } from '@tidemark/node-store';
export { fileKeyValue } from './file-key-value.js';
export type { FileKeyValue, FileKeyValueOptions } from './file-key-value.js';
export { installDeviceId, readDeviceInfo, eventDeviceContext, sessionDeviceContext } from './device-info.js';
export type { DeviceInfo, DeviceInfoSources } from './device-info.js';
export { electronLifecycle } from './main-lifecycle.js';
export type { MainLifecycle, ElectronLifecycleOptions } from './main-lifecycle.js';
export { holdQuit } from './quit-hold.js';
export type { HoldQuitOptions } from './quit-hold.js';
export { registerIpcBridge } from './ipc-main.js';
export type { IpcBridgeOptions, IpcTarget } from './ipc-main.js';
export { validateIpcRequest } from './ipc-validate.js';
export type { IpcCall, IpcValidation, IpcValidationOptions } from './ipc-validate.js';
export { IPC_CHANNEL, IPC_METHODS } from './ipc-protocol.js';
export type { IpcMethod, IpcRequest, IpcReply, RendererPage } from './ipc-protocol.js';
export { WindowPage, pageOf } from './window-page.js';
export type {
  ElectronMain,
  ElectronPreload,
  ElectronApp,
  ElectronIpcMain,
  ElectronPowerMonitor,
  ElectronNet,
  ElectronContextBridge,
  ElectronIpcRenderer,
  IpcInvokeEvent,
  PreventableEvent,
  Listener,
} from './electron-types.js';
