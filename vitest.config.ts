import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// Tests import packages by name; point each name at its source so no build is needed.
const src = (path: string) => fileURLToPath(new URL(`./packages/${path}`, import.meta.url));
const alias = [
  ...readdirSync('packages').map((name) => ({ find: new RegExp(`^@tidemark/${name}$`), replacement: src(`${name}/src/index.ts`) })),
];

export default defineConfig({
  resolve: { alias },
  test: {
    include: ['packages/*/src/**/*.test.ts'],
    environment: 'node',
    // One ClickHouse node for the collector's tests (both stores run the route suite).
    globalSetup: ['packages/collector/src/test-support/clickhouse-setup.ts'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
  },
});
