import { execFileSync } from 'node:child_process';
import { chmodSync } from 'node:fs';

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;

/**
 * Make a directory refuse new files for real. A mode change is enough for a normal user;
 * root ignores modes, so as root the directory is made immutable (`chattr +i`, which even
 * root's writes obey). Undo with {@link makeWritable}.
 *
 * @param dir - an existing directory
 */
export function makeReadOnly(dir: string): void {
  if (isRoot) execFileSync('chattr', ['+i', dir]);
  else chmodSync(dir, 0o555);
}

/**
 * Undo {@link makeReadOnly}.
 *
 * @param dir - the directory
 */
export function makeWritable(dir: string): void {
  if (isRoot) execFileSync('chattr', ['-i', dir]);
  else chmodSync(dir, 0o755);
}
