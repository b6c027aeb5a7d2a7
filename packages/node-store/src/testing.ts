// Test support for Node packages, published as `@tidemark/node-store/testing` so the store's,
// Electron's and the server client's tests share one copy: temp directories, a directory that
// refuses writes for real, a store test event, the bundler that turns a TypeScript child
// script into one file plain `node` runs, and the spawner that runs it (and kills it on cue).
export { tempDir } from './test-support/temp-dir.js';
export { makeReadOnly, makeWritable } from './test-support/read-only-dir.js';
export { testEvent } from './test-support/events.js';
export { bundleForNode } from './test-support/bundle-for-node.js';
export type { BundleOptions } from './test-support/bundle-for-node.js';
export { bootWaitingChild, spawnNode } from './test-support/node-child.js';
export type { ChildExit, KillPlan, NodeChild, WaitingChild } from './test-support/node-child.js';
