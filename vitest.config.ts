import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

const root = path.dirname(fileURLToPath(import.meta.url));
const alias = [
  // The connectors' per-system subpaths (`@mikrosync/connectors/erp`) first: a package name below
  // would otherwise match them as a prefix.
  { find: /^@mikrosync\/connectors\/(erp|web|queue|feed|bitrix|entegra|dev)$/, replacement: path.join(root, 'packages/connectors/src/$1/index.ts') },
  ...Object.entries({
    '@mikrosync/core': path.join(root, 'packages/core/src/index.ts'),
    '@mikrosync/mappers': path.join(root, 'packages/mappers/src/index.ts'),
    '@mikrosync/connectors': path.join(root, 'packages/connectors/src/index.ts'),
    '@mikrosync/workers': path.join(root, 'apps/workers/src/index.ts'),
    '@mikrosync/producer': path.join(root, 'apps/producer/src/index.ts'),
  }).map(([find, replacement]) => ({ find, replacement })),
];

/**
 * Files named *-long.test.ts (a 10-minute outage) start first among the integration files, so they
 * run beside the rest of the suite instead of after it.
 */
class LongFilesFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const isLong = (f: TestSpecification) => /-long\.test\.ts$/.test(f.moduleId);
    const rest = sorted.filter((f) => !isLong(f));
    const at = rest.findIndex((f) => f.project.name === 'integration');
    rest.splice(at < 0 ? rest.length : at, 0, ...sorted.filter(isLong));
    return rest;
  }
}

export default defineConfig({
  resolve: { alias },
  test: {
    sequence: { sequencer: LongFilesFirst },
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
