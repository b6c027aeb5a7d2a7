// The express-backend example as a real child process, configured through its environment,
// for the backend-attribution end-to-end test.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const entry = fileURLToPath(new URL('../../examples/express-backend/server.mjs', import.meta.url));

/** A running example shop. */
export interface Shop {
  /** `http://127.0.0.1:<port>` */
  url: string;
  /** Everything it printed. */
  output(): string;
  /** SIGTERM, as a deployment would; resolves with the exit code once it has flushed and quit. */
  stop(): Promise<number | null>;
}

/**
 * Start the example shop on a free port, pointed at a collector.
 *
 * @param env - `TIDEMARK_COLLECTOR_URL`, `TIDEMARK_WRITE_KEY`…
 * @returns the shop once it listens (at most 15 s)
 */
export async function startShop(env: Record<string, string>): Promise<Shop> {
  const child: ChildProcess = spawn(process.execPath, [entry], { env: { ...process.env, PORT: '0', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (chunk) => (output += chunk));
  child.stderr?.on('data', (chunk) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the shop did not start within 15 s:\n${output}`)), 15_000);
    const look = (): void => {
      const match = /listening on (http:\/\/\S+)/.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout?.on('data', look);
    void exited.then((code) => reject(new Error(`the shop exited with ${code}:\n${output}`)));
  });
  return {
    url,
    output: () => output,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}
