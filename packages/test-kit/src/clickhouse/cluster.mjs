// Starts Debian's clickhouse-server (one node, or three replicas of one shard with Debian's
// ZooKeeper) as child processes on free loopback ports, every path in a fresh temp dir, and
// stops them. Used by the collector's tests (vitest globalSetup and the failover test) and by
// `pnpm bench`; install the packages with scripts/clickhouse/install.sh.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const SERVER = '/usr/sbin/clickhouse-server';
const ZOOKEEPER_JARS = ['zookeeper', 'zookeeper-jute', 'slf4j-api', 'slf4j-nop', 'netty-all', 'metrics-core', 'commons-cli', 'snappy-java'].map((name) => `/usr/share/java/${name}.jar`);

/**
 * Whether this machine can run the servers.
 *
 * @param {{ replicas?: number }} [options]
 * @returns {string | null} null when it can, else why not (one line)
 */
export function clickhouseMissing({ replicas = 1 } = {}) {
  if (!existsSync(SERVER)) return 'clickhouse-server is not installed (run scripts/clickhouse/install.sh as root)';
  if (replicas > 1) {
    if (!ZOOKEEPER_JARS.every((jar) => existsSync(jar))) return 'zookeeper is not installed (run scripts/clickhouse/install.sh as root)';
    if (spawnSync('java', ['-version'], { stdio: 'ignore' }).status !== 0) return 'java is missing (ZooKeeper needs Java 17)';
  }
  return null;
}

/**
 * A port free on 127.0.0.1 right now, drawn below Linux's ephemeral range (32768+): a port
 * from `listen(0)` is one the kernel also hands to outgoing connections, and one of those
 * can take it before the server binds it.
 *
 * @returns {Promise<number>}
 */
async function freePort() {
  for (;;) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    const free = await new Promise((resolve) => {
      const server = createServer();
      server.once('error', () => resolve(false));
      server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
    });
    if (free) return port;
  }
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Wait until `probe` resolves true, at most `timeoutMs`. */
async function waitFor(probe, timeoutMs, what) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await probe().catch((err) => (String(err?.message).includes('exited') ? Promise.reject(err) : false))) return;
    await sleep(50);
  }
  throw new Error(`${what} did not come up within ${timeoutMs} ms`);
}

/** How long one probe may take: a server that took the connection but does not answer yet must not hang the wait. */
const PROBE_MS = 2_000;

const answers = (url) => fetch(`${url}/ping`, { signal: AbortSignal.timeout(PROBE_MS) }).then((res) => res.ok);

/** Up unless its process ended (a port taken meanwhile): then fail at once. */
const upOrDead = (node) => async () => {
  if (node.proc.child.exitCode !== null || node.proc.child.signalCode !== null) throw new Error(`ClickHouse ${node.url} exited while starting`);
  return answers(node.url);
};

function nodeConfig({ dir, http, tcp, interserver, replica, zookeeperPort, replicas }) {
  const zookeeper = zookeeperPort
    ? `<zookeeper><node><host>127.0.0.1</host><port>${zookeeperPort}</port></node><session_timeout_ms>6000</session_timeout_ms></zookeeper>
  <macros><shard>1</shard><replica>${replica}</replica></macros>
  <interserver_http_host>127.0.0.1</interserver_http_host>
  <interserver_http_port>${interserver}</interserver_http_port>
  <remote_servers><tidemark><shard><internal_replication>true</internal_replication>${replicas
    .map((r) => `<replica><host>127.0.0.1</host><port>${r.tcp}</port></replica>`)
    .join('')}</shard></tidemark></remote_servers>`
    : '';
  return `<?xml version="1.0"?>
<yandex>
  <logger><level>warning</level><log>${dir}/server.log</log><errorlog>${dir}/server.err.log</errorlog><size>10M</size><count>1</count></logger>
  <listen_host>127.0.0.1</listen_host>
  <http_port>${http}</http_port>
  <tcp_port>${tcp}</tcp_port>
  <path>${dir}/data/</path>
  <tmp_path>${dir}/tmp/</tmp_path>
  <user_files_path>${dir}/user_files/</user_files_path>
  <format_schema_path>${dir}/format_schemas/</format_schema_path>
  <users_config>${dir}/users.xml</users_config>
  <default_profile>default</default_profile>
  <default_database>default</default_database>
  <timezone>UTC</timezone>
  <mark_cache_size>268435456</mark_cache_size>
  <uncompressed_cache_size>268435456</uncompressed_cache_size>
  <max_concurrent_queries>100</max_concurrent_queries>
  <mlock_executable>false</mlock_executable>
  ${zookeeper}
</yandex>
`;
}

const USERS = `<?xml version="1.0"?>
<yandex>
  <profiles><default><max_memory_usage>2000000000</max_memory_usage><load_balancing>random</load_balancing></default></profiles>
  <users><default><password></password><networks><ip>127.0.0.1</ip><ip>::1</ip></networks><profile>default</profile><quota>default</quota></default></users>
  <quotas><default><interval><duration>3600</duration><queries>0</queries><errors>0</errors><result_rows>0</result_rows><read_rows>0</read_rows><execution_time>0</execution_time></interval></default></quotas>
</yandex>
`;

/** Children still running and their temp dirs: killed and removed when this process exits, even after an uncaught error. */
const running = new Set();
const roots = new Set();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
  for (const root of roots) rmSync(root, { recursive: true, force: true });
});

function startProcess(command, args, cwd) {
  const child = spawn(command, args, { cwd, stdio: ['ignore', 'ignore', 'pipe'], detached: false });
  running.add(child);
  // A watchdog that SIGKILLs the server once this process is gone, however it went (a test
  // worker killed on a timeout runs no exit handler): its stdin is a pipe from us, and the
  // pipe ends when we do.
  const watchdog = spawn('sh', ['-c', `read _; kill -9 ${child.pid} 2>/dev/null`], { stdio: ['pipe', 'ignore', 'ignore'] });
  watchdog.unref();
  watchdog.stdin.unref?.();
  child.once('exit', () => {
    running.delete(child);
    watchdog.stdin.end();
  });
  let stderr = '';
  child.stderr.on('data', (chunk) => {
    stderr = (stderr + chunk).slice(-4000);
  });
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  return { child, exited, stderr: () => stderr };
}

/** How long a SIGKILLed server may take to be reaped before the stop stops waiting for it. */
const REAP_MS = 10_000;

/**
 * Stop a child: SIGTERM, then SIGKILL after `graceMs`. The wait for its exit is bounded: a
 * killed process stuck in the kernel (a flush to a saturated disk) would otherwise hold a
 * test's teardown past its limit, and the exit handler and the watchdog reap it anyway.
 */
async function stopProcess(proc, graceMs = 3000) {
  if (proc.child.exitCode !== null || proc.child.signalCode !== null) return;
  proc.child.kill('SIGTERM');
  const timer = setTimeout(() => proc.child.kill('SIGKILL'), graceMs);
  let giveUp;
  const reaped = await Promise.race([proc.exited.then(() => true), new Promise((resolve) => (giveUp = setTimeout(() => resolve(false), graceMs + REAP_MS)))]);
  clearTimeout(timer);
  clearTimeout(giveUp);
  if (!reaped) process.stderr.write(`test kit: process ${proc.child.pid} did not exit ${REAP_MS} ms after SIGKILL; left to the exit handler\n`);
}

async function startZooKeeper(dir) {
  const port = await freePort();
  mkdirSync(join(dir, 'zk-data'), { recursive: true });
  writeFileSync(
    join(dir, 'zoo.cfg'),
    `tickTime=500\ninitLimit=10\nsyncLimit=5\ndataDir=${dir}/zk-data\nclientPort=${port}\nclientPortAddress=127.0.0.1\nadmin.enableServer=false\nmaxClientCnxns=0\n4lw.commands.whitelist=ruok\n`,
  );
  const proc = startProcess('java', ['-Xmx256m', '-cp', ZOOKEEPER_JARS.join(':'), 'org.apache.zookeeper.server.quorum.QuorumPeerMain', join(dir, 'zoo.cfg')], dir);
  const ruok = () =>
    new Promise((resolve) => {
      import('node:net').then(({ connect }) => {
        const socket = connect(port, '127.0.0.1', () => socket.write('ruok'));
        socket.setTimeout(PROBE_MS, () => socket.destroy());
        let data = '';
        socket.on('data', (d) => (data += d));
        socket.on('close', () => resolve(data === 'imok'));
        socket.on('error', () => resolve(false));
      });
    });
  // A JVM may ignore SIGTERM while it starts, so SIGKILL.
  await waitFor(ruok, 20_000, 'ZooKeeper').catch(async (err) => {
    await stopProcess(proc, 0);
    throw new Error(`${err.message}: ${proc.stderr()}`);
  });
  return { port, proc };
}

/**
 * Start ClickHouse: one node, or `replicas` nodes of one shard with a ZooKeeper.
 *
 * @param {{ replicas?: number }} [options]
 * @returns {Promise<{ urls: string[], nodes: Array<{ url: string, kill(): void, stop(): Promise<void>, restart(): Promise<void> }>, stop(): Promise<void> }>}
 */
export async function startClickHouse({ replicas = 1 } = {}) {
  const missing = clickhouseMissing({ replicas });
  if (missing) throw new Error(missing);
  // A port can still be taken between the check and the bind: start again on other ports.
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(replicas);
    } catch (err) {
      if (attempt === 3) throw err;
      console.warn(`test-kit clickhouse: starting again (${String(err?.message ?? err).split('\n')[0]})`);
    }
  }
}

async function startOnce(replicas) {
  const root = mkdtempSync(join(tmpdir(), 'tidemark-clickhouse-'));
  roots.add(root);
  const zookeeper = replicas > 1 ? await startZooKeeper(root).catch((err) => {
    rmSync(root, { recursive: true, force: true });
    roots.delete(root);
    throw err;
  }) : null;
  const specs = [];
  for (let i = 0; i < replicas; i++) specs.push({ http: await freePort(), tcp: await freePort(), interserver: await freePort(), replica: `r${i + 1}` });
  const nodes = specs.map((spec) => {
    const dir = join(root, spec.replica);
    for (const sub of ['data', 'tmp', 'user_files', 'format_schemas']) mkdirSync(join(dir, sub), { recursive: true });
    writeFileSync(join(dir, 'users.xml'), USERS);
    writeFileSync(join(dir, 'config.xml'), nodeConfig({ dir, ...spec, zookeeperPort: zookeeper?.port, replicas: specs }));
    const url = `http://127.0.0.1:${spec.http}`;
    const node = {
      url,
      proc: null,
      launch() {
        node.proc = startProcess(SERVER, [`--config-file=${join(dir, 'config.xml')}`], dir);
      },
      /** The server's process ID (for CPU accounting). */
      get pid() {
        return node.proc?.child.pid;
      },
      /** SIGKILL: the node dies at once, mid-request. */
      kill() {
        node.proc?.child.kill('SIGKILL');
      },
      stop: () => (node.proc ? stopProcess(node.proc) : Promise.resolve()),
      async restart() {
        await node.stop();
        node.launch();
        await waitFor(() => answers(url), 30_000, `ClickHouse ${url}`);
      },
    };
    node.launch();
    return node;
  });
  // The data is thrown away: no need for a graceful shutdown.
  const stop = async () => {
    await Promise.all(nodes.map((node) => (node.proc ? stopProcess(node.proc, 0) : undefined)));
    if (zookeeper) await stopProcess(zookeeper.proc, 0);
    rmSync(root, { recursive: true, force: true });
    roots.delete(root);
  };
  try {
    await Promise.all(nodes.map((node) => waitFor(upOrDead(node), 30_000, `ClickHouse ${node.url}`)));
  } catch (err) {
    const logs = nodes.map((node) => node.proc.stderr()).join('\n');
    await stop();
    throw new Error(`${err.message}\n${logs}`);
  }
  return { urls: nodes.map((node) => node.url), nodes, stop };
}
