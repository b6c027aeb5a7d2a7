export { FileStore } from './file-store.js';
export type { FileStoreOptions } from './file-store.js';
export type { StoreFs, StoreFileHandle } from './store-fs.js';
