/** One ClickHouse server started by {@link startClickHouse}. */
export interface ClickHouseNode {
  /** `http://127.0.0.1:PORT` */
  url: string;
  /** The server's process ID. */
  readonly pid: number | undefined;
  /** SIGKILL the server. */
  kill(): void;
  /** Stop it (SIGTERM, then SIGKILL). */
  stop(): Promise<void>;
  /** Stop and start it again on the same ports and data. */
  restart(): Promise<void>;
}

/** Servers started by {@link startClickHouse}. */
export interface ClickHouseCluster {
  urls: string[];
  nodes: ClickHouseNode[];
  /** Stop every server (and ZooKeeper) and remove the temp dir. */
  stop(): Promise<void>;
}

/** Null when this machine can run the servers, else why not (one line). */
export function clickhouseMissing(options?: { replicas?: number }): string | null;

/** Start one node, or `replicas` replicas of one shard with a ZooKeeper, on loopback. */
export function startClickHouse(options?: { replicas?: number }): Promise<ClickHouseCluster>;
