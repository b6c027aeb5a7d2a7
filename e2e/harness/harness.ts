// Browser bundle for the e2e tests: the core client and HTTP transport, exposed as `window.TM`
// so test pages can create clients with any options. Built by rollup.config.mjs.
export { createTidemark, memoryStore, indexedDbStore } from '@tidemark/core';
export { httpTransport } from '@tidemark/transport-http';
