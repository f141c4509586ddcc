/**
 * `npm run demo` from a copy of the repository with nothing beside it (no `shared/` folder), on a port
 * and a queue prefix of this test, next to a shop's `.env` it must not read:
 * - it starts, /readyz answers and the demo documents are posted to the ERP stand-in;
 * - it uses only its own settings, writes them to `.demo/demo.env` and prints how the CLI uses them;
 * - Ctrl-C (SIGINT to the terminal's process group) drains the fleet once, without "second signal";
 * - a second run starts clean although Redis kept the first run's jobs and a dead letter;
 * - SIGINT to the npm process alone stops everything.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedis, DeadLetterQueue, dropDatabase, QueueRegistry } from '@mikrosync/connectors';
import { freePort } from '../support/ports.js';
import { copyRepository, type RepoCopy } from '../support/repo-copy.js';
import { dbUrl, TEST_REDIS_URL } from '../support/env.js';
import { waitFor } from '../support/test-env.js';

const name = `msdemo_${process.pid}_${Date.now().toString(36)}`;
const WEB = dbUrl(`${name}_web`);
const ERP = dbUrl(`${name}_erp`);
const SHOP_PREFIX = `${name}_shop`;
// A whole demo run (setup, start, every flow, stop) on a loaded 2-core machine.
const DEMO_RUN_MS = 480_000;

interface Demo {
  child: ChildProcess;
  output(): string;
  exited: Promise<number | null>;
}

let copy: RepoCopy;
let port: number;

function startDemo(): Demo {
  const child = spawn('npm', ['run', 'demo'], {
    cwd: copy.root,
    // Its own process group, as a terminal gives a foreground job: Ctrl-C signals the whole group.
    detached: true,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      DEMO_PORT: String(port),
      DEMO_QUEUE_PREFIX: name,
      DEMO_REDIS_URL: TEST_REDIS_URL,
      DEMO_WEB_DATABASE_URL: WEB,
      DEMO_ERP_DATABASE_URL: ERP,
      LOG_PRETTY: 'false',
      // A shell with the shop's settings exported: the demo ignores them as it ignores .env.
      QUEUE_PREFIX: SHOP_PREFIX,
      ALERT_WEBHOOK_URL: 'http://127.0.0.1:9/shop-hook',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return { child, output: () => out, exited };
}

async function readyz(): Promise<boolean> {
  return fetch(`http://127.0.0.1:${port}/readyz`).then((r) => r.ok, () => false);
}

/** The demo's collections and sales, each posted once to the ERP stand-in (our ledger rows). */
async function postedDocuments(): Promise<number> {
  const erp = new pg.Client({ connectionString: ERP });
  await erp.connect();
  try {
    const r = await erp.query<{ n: string }>(`SELECT count(*) AS n FROM "MIKROSYNC_LEDGER" WHERE ldg_web_table IN ('tahsilatlar', 'satislar')`);
    return Number(r.rows[0]!.n);
  } finally {
    await erp.end();
  }
}

async function waitForDemo(demo: Demo): Promise<void> {
  const what = (s: string) => `${s}; demo output:\n${demo.output().slice(-3000)}`;
  await waitFor(what('/readyz of the demo'), async () => demo.child.exitCode === null && (await readyz()), 240_000, 500);
  await waitFor(what('the 7 demo documents posted'), async () => (await postedDocuments()) === 7, 120_000, 500);
  await waitFor(what('the demo banner'), async () => demo.output().includes('Ctrl-C stops everything.'), 120_000, 500);
}

/** pids of the processes that logged (the fleet), from the pino JSON lines. */
function loggedPids(output: string): number[] {
  return [...new Set([...output.matchAll(/"pid":(\d+)/g)].map((m) => Number(m[1])))];
}
const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

async function expectStopped(demo: Demo): Promise<void> {
  const code = await Promise.race([demo.exited, new Promise<'hung'>((r) => setTimeout(() => r('hung'), 60_000))]);
  expect(code, demo.output().slice(-3000)).not.toBe('hung');
  const pids = loggedPids(demo.output());
  expect(pids.length).toBeGreaterThan(0);
  await waitFor('every demo process gone', async () => pids.every((p) => !alive(p)), 20_000);
  expect(await readyz()).toBe(false);
  expect(demo.output()).toContain('"msg":"shutting down"');
  expect(demo.output()).not.toContain('second signal');
}

beforeAll(async () => {
  copy = copyRepository();
  port = await freePort();
  // A shop's .env in the checkout: credentials, a live alert hook, another prefix and port.
  writeFileSync(
    path.join(copy.root, '.env'),
    [`ADMIN_USER=shop`, `ADMIN_PASSWORD=S3CRET-shop-password`, `QUEUE_PREFIX=${SHOP_PREFIX}`, `HTTP_PORT=1`, `ALERT_WEBHOOK_URL=http://127.0.0.1:9/shop-hook`].join('\n'),
  );
});

afterAll(async () => {
  copy?.remove();
  const redis = createRedis({ url: TEST_REDIS_URL });
  for (const prefix of [name, SHOP_PREFIX]) {
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length) await redis.del(...keys);
  }
  redis.disconnect();
  await dropDatabase(WEB).catch(() => undefined);
  await dropDatabase(ERP).catch(() => undefined);
});

describe('npm run demo from a clone with nothing beside it', () => {
  it('runs on its own settings, tells the CLI where they are, and stops once on Ctrl-C', async () => {
    expect(existsSync(path.join(path.dirname(copy.root), 'shared'))).toBe(false);
    const demo = startDemo();
    try {
      await waitForDemo(demo);
      // The shop's credentials were not read: the status API answers without them.
      expect((await fetch(`http://127.0.0.1:${port}/api/status`)).status).toBe(200);
      // It prints the prefix, the dialect and the command that points the CLI at its settings.
      const out = demo.output();
      expect(out).toContain(`QUEUE_PREFIX=${name}`);
      expect(out).toContain('ERP_DIALECT=pg');
      expect(out).toContain('MIKROSYNC_ENV_FILE=.demo/demo.env npm run dev -- dlq list');
      const envFile = readFileSync(path.join(copy.root, '.demo', 'demo.env'), 'utf8');
      expect(envFile).toContain(`QUEUE_PREFIX='${name}'`);
      expect(envFile).not.toContain('S3CRET');
      expect(envFile).not.toContain('shop-hook');
      // The CLI with that file sees the demo's queues (the fleet's collection workers).
      const status = await new Promise<string>((resolve) => {
        const c = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', 'apps/producer/src/cli.ts', 'status', '--json'], {
          cwd: copy.root,
          env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', MIKROSYNC_ENV_FILE: '.demo/demo.env' },
          stdio: ['ignore', 'pipe', 'inherit'],
        });
        let s = '';
        c.stdout!.on('data', (d: Buffer) => (s += d.toString()));
        c.on('close', () => resolve(s));
      });
      expect((JSON.parse(status) as { queues: Record<string, { workers: number }> }).queues.collections!.workers).toBeGreaterThanOrEqual(1);
    } finally {
      // Ctrl-C: SIGINT to the terminal's foreground process group (npm and the demo).
      if (demo.child.exitCode === null) process.kill(-demo.child.pid!, 'SIGINT');
    }
    await expectStopped(demo);
    expect(await postedDocuments()).toBe(7);
  }, DEMO_RUN_MS);

  it('a second run starts clean, and SIGINT to the npm process alone stops it', async () => {
    // Redis keeps the first run's jobs; add a dead letter as a failed previous run would leave.
    const redis = createRedis({ url: TEST_REDIS_URL });
    const dlq = new DeadLetterQueue(new QueueRegistry(redis, { prefix: name, attempts: 1, backoffMs: 100 }));
    await dlq.add({ queue: 'collections', jobId: 'old', jobName: 'tahsilatlar', data: {}, reason: 'left by the previous run', attempts: 1, permanent: true, failedAt: new Date().toISOString() });
    expect(await dlq.count()).toBe(1);

    const demo = startDemo();
    try {
      await waitForDemo(demo);
      expect(await dlq.count()).toBe(0);
      const snapshot = (await (await fetch(`http://127.0.0.1:${port}/api/status`)).json()) as { flows: { flow: string; deadLetters: number }[] };
      expect(snapshot.flows.filter((f) => f.deadLetters > 0)).toEqual([]);
    } finally {
      await redis.quit();
      if (demo.child.exitCode === null) process.kill(demo.child.pid!, 'SIGINT');
    }
    await expectStopped(demo);
  }, DEMO_RUN_MS);
});
