// Tidemark's test doubles, one of each, for every package's tests and the benches. They stand
// in for time and for a collector in logic tests; what needs real storage, sockets or
// browsers is tested against the real thing. Private: never published.
export { ManualClock, manualClock } from './manual-clock.js';
export { scriptedTransport } from './scripted-transport.js';
export type { ScriptedTransport } from './scripted-transport.js';
export { startFakeCollector } from './fake-collector.js';
export type { FakeCollector, FakeCollectorOptions, ReceivedRequest, Reply, Responder } from './fake-collector.js';
export { startWsCollector, ackAll, closedPort } from './ws-collector.js';
export type { WsCollector, FrameContext, FrameScript } from './ws-collector.js';
export { clientHelpers } from './ws-client-helpers.js';
export type { ClientHelpers, DrainOptions, DrainReport } from './ws-client-helpers.js';
export { clickhouseMissing, startClickHouse } from './clickhouse/cluster.mjs';
export type { ClickHouseCluster } from './clickhouse/cluster.mjs';
export { tempDir } from './node/temp-dir.js';
export { makeReadOnly, makeWritable } from './node/read-only-dir.js';
export { testEvent } from './node/events.js';
export { bundleForNode } from './node/bundle-for-node.js';
export type { BundleOptions } from './node/bundle-for-node.js';
export { bootWaitingChild, spawnNode } from './node/node-child.js';
export type { ChildExit, KillPlan, NodeChild, WaitingChild } from './node/node-child.js';
