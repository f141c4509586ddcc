import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const root = path.dirname(fileURLToPath(import.meta.url));
const alias = {
  '@mikrosync/core': path.join(root, 'packages/core/src/index.ts'),
  '@mikrosync/mappers': path.join(root, 'packages/mappers/src/index.ts'),
  '@mikrosync/connectors': path.join(root, 'packages/connectors/src/index.ts'),
  '@mikrosync/workers': path.join(root, 'apps/workers/src/index.ts'),
  '@mikrosync/producer': path.join(root, 'apps/producer/src/index.ts'),
};

export default defineConfig({
  resolve: { alias },
  test: {
    projects: [
      {
        extends: true,
        test: { name: 'unit', include: ['packages/*/src/**/*.test.ts', 'apps/*/src/**/*.test.ts'], sequence: { groupOrder: 0 } },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['tests/**/*.test.ts'],
          globalSetup: ['tests/support/global-setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          pool: 'forks',
          maxWorkers: 2,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
