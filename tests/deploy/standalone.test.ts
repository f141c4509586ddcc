/**
 * The repository stands alone and production runs compiled code:
 * - no tracked file reads a path outside the repository (the demo from a copy: tests/deploy/demo.test.ts);
 * - `npm start` and the operator scripts run the compiled CLI; tsx only in development scripts;
 * - a production install (no dev dependencies, as `npm ci --omit=dev`) starts with `npm start`;
 * - the image is on a current LTS Node, `engines` admits both it and Node 20, and every native
 *   module of the production install supports both.
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { outsidePaths } from '../support/outside-paths.js';
import { freePort } from '../support/ports.js';
import { copyRepository, REPO_ROOT, type RepoCopy } from '../support/repo-copy.js';
import { createTestEnv, waitFor, type TestEnv } from '../support/test-env.js';

const read = (rel: string) => readFileSync(path.join(REPO_ROOT, rel), 'utf8');
const pkg = JSON.parse(read('package.json')) as { scripts: Record<string, string>; engines: { node: string } };
const CODE = /\.(?:[cm]?[jt]s|sh)$|(?:^|\/)Dockerfile$|\.ya?ml$|(?:^|\/)package\.json$/;

describe('nothing outside the repository', () => {
  it('finds a path that leaves the repository (the check itself)', () => {
    // Built up, so that these examples are not findings of the scan of this file.
    const up = (n: number) => '../'.repeat(n);
    const shared = 'shared';
    expect(outsidePaths(REPO_ROOT, 'tests/x.test.ts', `const f = new URL('${up(2)}${shared}/fixtures/a.json', import.meta.url);`)).not.toEqual([]);
    expect(outsidePaths(REPO_ROOT, 'scripts/gen.ts', `resolve(repoRoot, '${up(1)}${shared}/spec/schema')`)).not.toEqual([]);
    expect(outsidePaths(REPO_ROOT, 'packages/mappers/src/xml/a.test.ts', `readFileSync(new URL('${up(5)}elsewhere/x.xml', import.meta.url))`)).toHaveLength(1);
    expect(outsidePaths(REPO_ROOT, 'packages/mappers/src/xml/a.test.ts', `readFileSync(new URL('${up(4)}fixtures/x.xml', import.meta.url))`)).toEqual([]);
    expect(outsidePaths(REPO_ROOT, 'apps/producer/src/commands/a.ts', `import { boot } from '${up(1)}runtime-config.js';`)).toEqual([]);
  });

  it('no tracked file reads a path outside the repository', () => {
    const files = execFileSync('git', ['ls-files'], { cwd: REPO_ROOT, encoding: 'utf8' })
      .split('\n')
      .filter((f) => f && !f.startsWith('fixtures/') && !f.startsWith('spec/') && f !== 'package-lock.json' && existsSync(path.join(REPO_ROOT, f)));
    expect(files.length).toBeGreaterThan(100);
    const found: string[] = [];
    for (const f of files) {
      const text = read(f);
      if (CODE.test(f)) found.push(...outsidePaths(REPO_ROOT, f, text));
      else if (/\.\.\/shared\b/.test(text)) found.push(`${f}: mentions the shared folder beside the repository`);
    }
    expect(found, 'bring the data into the repository (fixtures/, spec/schema/) and read it there').toEqual([]);
  });

  it('the data the project uses is in the repository', () => {
    for (const rel of ['fixtures/README.md', 'fixtures/mikro-traces/tahsilat-nakit.json', 'fixtures/stock-xml/sample.xml', 'fixtures/bitrix24/crm.lead.list.page1.json', 'spec/schema/README.md', 'spec/schema/mikro.json', 'spec/schema/web.json', 'spec/schema/entegra-sqlite.json', 'spec/schema/entegra-pg.json'])
      expect(existsSync(path.join(REPO_ROOT, rel)), rel).toBe(true);
  });
});

describe('production runs compiled code', () => {
  it('npm start and the operator scripts run the compiled CLI; tsx only in development scripts', () => {
    expect(pkg.scripts.start).toBe('node apps/producer/dist/cli.js start');
    expect(pkg.scripts.mikrosync).toBe('node apps/producer/dist/cli.js');
    expect(pkg.scripts.dev).toContain('--import tsx apps/producer/src/cli.ts');
    const tsxScripts = Object.entries(pkg.scripts).filter(([, cmd]) => /\btsx\b/.test(cmd)).map(([name]) => name);
    // Development scripts: dev, the benchmarks and the generators (npm run generate[:check]).
    expect(tsxScripts.filter((name) => name !== 'dev' && !name.startsWith('bench') && !name.startsWith('generate'))).toEqual([]);
    for (const name of ['migrate', 'sync-web-to-erp', 'sync-queue-worker', 'test-connection', 'setup-triggers', 'stock-xml', 'sync', 'sync-bitrix', 'sync-entegra'])
      expect(pkg.scripts[name], name).toMatch(/^node apps\/producer\/dist\/cli\.js /);
  });

  describe('a production install', () => {
    let copy: RepoCopy;
    let t: TestEnv;
    beforeAll(async () => {
      expect(existsSync(path.join(REPO_ROOT, 'apps/producer/dist/cli.js')), 'build first: npx tsc -b').toBe(true);
      copy = copyRepository({ production: true, withBuild: true });
      t = await createTestEnv();
    });
    afterAll(async () => {
      copy?.remove();
      await t?.cleanup();
    });

    it('has no dev dependency, and `npm start` serves /readyz', async () => {
      expect(existsSync(path.join(copy.root, 'node_modules/tsx'))).toBe(false);
      expect(existsSync(path.join(copy.root, 'node_modules/vitest'))).toBe(false);
      expect(existsSync(path.join(copy.root, 'node_modules/bullmq'))).toBe(true);
      const port = await freePort();
      const child = spawn('npm', ['start'], {
        cwd: copy.root,
        detached: true,
        env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...t.env, HTTP_PORT: String(port), LOG_LEVEL: 'info', NODE_ENV: 'production' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
      child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
      const closed = new Promise((r) => child.on('close', r));
      try {
        await waitFor(
          'readyz of npm start',
          async () => child.exitCode === null && (await fetch(`http://127.0.0.1:${port}/readyz`).then((r) => r.ok, () => false)),
          90_000,
          250,
        ).catch((err: Error) => {
          throw new Error(`${err.message}\n${out.slice(-3000)}`);
        });
      } finally {
        // As a service manager stops it: SIGTERM to the whole group.
        if (child.exitCode === null) process.kill(-child.pid!, 'SIGTERM');
        await closed;
      }
      expect(out).toContain('"msg":"shutting down"');
      expect(out).not.toMatch(/Cannot find (?:module|package)/);
    });
  });
});

describe('Node versions', () => {
  const dockerfile = read('Dockerfile');
  const image = /^ARG NODE_IMAGE=node:(\d+)-bookworm-slim$/m.exec(dockerfile);

  it('the image is on a current LTS (22 or 24) and runs the compiled CLI', () => {
    expect(image, 'ARG NODE_IMAGE=node:<major>-bookworm-slim').not.toBeNull();
    expect([22, 24]).toContain(Number(image![1]));
    expect(dockerfile).toMatch(/^ENTRYPOINT \["node", "apps\/producer\/dist\/cli\.js"\]$/m);
    expect(dockerfile).not.toMatch(/\btsx\b/);
  });

  it('engines admits Node 20 (development machines) and the image major', () => {
    const m = /^>=(\d+)\.(\d+)(?:\.\d+)?$/.exec(pkg.engines.node);
    expect(m, `engines.node ${pkg.engines.node}: expected >=MAJOR.MINOR`).not.toBeNull();
    expect(Number(m![1])).toBe(20);
    expect(Number(process.versions.node.split('.')[0])).toBeGreaterThanOrEqual(20);
  });

  it('every native module of the production install supports Node 20 and the image major', () => {
    const lock = JSON.parse(read('package-lock.json')) as { packages: Record<string, { dev?: boolean; hasInstallScript?: boolean }> };
    const native = Object.entries(lock.packages).filter(([key, p]) => key.startsWith('node_modules/') && p.hasInstallScript && !p.dev).map(([key]) => key);
    expect(native).toContain('node_modules/better-sqlite3');
    for (const key of native) {
      const manifest = JSON.parse(read(`${key}/package.json`)) as { engines?: { node?: string } };
      const range = manifest.engines?.node;
      // A list of majors ("20.x || 22.x") must name both; an open lower bound (">=10") admits both.
      if (range && /\d+\.x/.test(range)) {
        const majors = [...range.matchAll(/(\d+)\.x/g)].map((x) => Number(x[1]));
        expect(majors, `${key} engines ${range}`).toContain(20);
        expect(majors, `${key} engines ${range}`).toContain(Number(image![1]));
      } else if (range) {
        expect(range, key).toMatch(/^>=\s*\d+(\.\d+)*$/);
      }
    }
  });
});
