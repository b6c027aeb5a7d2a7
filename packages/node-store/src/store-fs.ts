import * as nodeFs from 'node:fs/promises';

/** An open file of {@link StoreFs}; `node:fs/promises`' `FileHandle` fits. */
export interface StoreFileHandle {
  write(data: Uint8Array, offset: number, length: number): Promise<{ bytesWritten: number }>;
  /** Flush the file's data to the disk (`fdatasync`). */
  datasync(): Promise<void>;
  /** Flush data and metadata (`fsync`); used on directories. */
  sync(): Promise<void>;
  close(): Promise<void>;
}

/**
 * The file-system calls FileStore makes; `node:fs/promises` fits. Injected so tests can give
 * a store a disk that is full or read-only without root rights or a special mount.
 */
export interface StoreFs {
  mkdir(path: string, options: { recursive: true }): Promise<unknown>;
  readdir(path: string): Promise<string[]>;
  lstat(path: string): Promise<{ isFile(): boolean }>;
  readFile(path: string): Promise<Uint8Array>;
  open(path: string, flags: string): Promise<StoreFileHandle>;
  rename(from: string, to: string): Promise<void>;
  unlink(path: string): Promise<void>;
}

/** The real file system. */
export const nodeStoreFs: StoreFs = nodeFs;

/**
 * Write all of `data`, looping over short writes.
 *
 * @param handle - an open file
 * @param data - bytes to append
 */
export async function writeAll(handle: StoreFileHandle, data: Uint8Array): Promise<void> {
  let offset = 0;
  while (offset < data.length) {
    const { bytesWritten } = await handle.write(data, offset, data.length - offset);
    offset += bytesWritten;
  }
}

/**
 * Make a directory's entries (a created, renamed or deleted file) durable. POSIX needs an
 * fsync of the directory for that; Windows cannot open directories, and there NTFS's own
 * journal covers it, so failure is ignored.
 *
 * @param fs - the file system
 * @param dir - the directory
 */
export async function syncDir(fs: StoreFs, dir: string): Promise<void> {
  try {
    const handle = await fs.open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // See above: best effort where the platform does not support it.
  }
}
