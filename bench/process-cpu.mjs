// CPU time of another process, from /proc, for the benches that put several processes on
// the same cores (server client and collector, collector and ClickHouse).
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** Kernel clock ticks per second, the unit of /proc/<pid>/stat's CPU times (Linux only). */
const CLOCK_TICKS = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' })) || 100;
  } catch {
    return 100;
  }
})();

/**
 * CPU seconds a process has used so far, all its threads (user + system), or NaN where there
 * is no /proc. CPU time, unlike a rate, does not move when a shared machine's cores are taken
 * away for a while, so it says what each side costs per event even on a noisy host.
 *
 * @param {number} pid - the process
 * @returns {number} seconds
 */
export function cpuSecondsOf(pid) {
  try {
    // Fields after the command name, which is in parentheses and may hold spaces.
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
  } catch {
    return NaN;
  }
}
