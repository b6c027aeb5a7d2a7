import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';

/** How a child process ended, and what it printed. */
export interface ChildExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** Wall time from spawn to exit. */
  ms: number;
}

/** A running child: the process (stdin, stdout, kill) and its end. */
export interface NodeChild {
  proc: ChildProcessWithoutNullStreams;
  exited: Promise<ChildExit>;
}

/**
 * Run plain `node` on a script (a bundle from {@link bundleForNode}), with pipes on all
 * three streams. The child talks to 127.0.0.1 only: without `NODE_OPTIONS` (the test
 * runner's) and the extra CA bundle set on some machines, Node starts in half the time.
 *
 * @param script - path of an `.mjs` file
 * @param args - its arguments
 * @returns the child and a promise of its exit (never rejected after a successful spawn)
 */
export function spawnNode(script: string, args: string[]): NodeChild {
  const { NODE_EXTRA_CA_CERTS: _certs, NODE_OPTIONS: _options, ...env } = process.env;
  const started = Date.now();
  const proc = spawn(process.execPath, [script, ...args], { stdio: ['pipe', 'pipe', 'pipe'], env });
  let stdout = '';
  let stderr = '';
  proc.stdout.on('data', (chunk: Buffer) => (stdout += chunk));
  proc.stderr.on('data', (chunk: Buffer) => (stderr += chunk));
  const exited = new Promise<ChildExit>((resolve, reject) => {
    proc.on('error', reject);
    proc.on('close', (code, signal) => resolve({ code, signal, stdout, stderr, ms: Date.now() - started }));
  });
  return { proc, exited };
}

/**
 * When to SIGKILL a child: after it has printed `afterOutput` bytes (one byte a step of
 * progress) and then `thenMs` more, or `afterStartMs` after it was told to go, or never.
 */
export type KillPlan = { afterOutput: number; thenMs: number } | { afterStartMs: number } | 'none';

/** A child that has booted and waits for `go` on stdin. */
export interface WaitingChild {
  /** Tell it to go, kill it as planned, and resolve at its end. */
  run(kill: KillPlan): Promise<ChildExit>;
}

/**
 * Boot a child that waits for a line on stdin before it starts its work, so the next child
 * of a kill loop boots while the current one works: Node's start-up would dominate the loop.
 *
 * @param script - path of an `.mjs` file that reads one line from stdin first
 * @param args - its arguments
 * @returns the waiting child
 */
export function bootWaitingChild(script: string, args: string[]): WaitingChild {
  const { proc, exited } = spawnNode(script, args);
  proc.stdin.on('error', () => {}); // a child that died before reading `go`
  return {
    run(kill) {
      const killAfter = (ms: number) => setTimeout(() => proc.kill('SIGKILL'), ms);
      if (kill !== 'none') {
        if ('afterStartMs' in kill) killAfter(kill.afterStartMs);
        else {
          // Count progress, not wall time: on a loaded machine a timed kill would mostly land
          // before the child did anything.
          let seen = 0;
          const onData = (chunk: Buffer) => {
            seen += chunk.length;
            if (seen < kill.afterOutput) return;
            proc.stdout.off('data', onData);
            killAfter(kill.thenMs);
          };
          proc.stdout.on('data', onData);
        }
      }
      // Ended, not only written: an open stdin would keep a child that is meant to exit by itself alive.
      proc.stdin.end('go\n');
      return exited;
    },
  };
}
