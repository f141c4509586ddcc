/**
 * The operator's command line as an operator meets it: real processes, a real Redis and real
 * PostgreSQL. Unknown tasks refused locally, a missing worker or Redis reported in one line,
 * read-only commands that write nothing, start-up checks (busy HTTP port, card defaults), a
 * test-connection that looks past "it answers", and human output without JSON log lines.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DEV_SQL, dropDatabase, ensureDatabase, runSqlFile } from '@mikrosync/connectors';
import { createTestEnv, waitFor, type TestEnv } from '../support/test-env.js';
import { dbUrl, TEST_REDIS_URL } from '../support/env.js';
import { startCli } from '../support/processes.js';
import { freePort } from '../support/ports.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

let t: TestEnv;
let redis: Redis;
const cleanups: (() => Promise<unknown>)[] = [];

/** Runs a command; a process still running after `ms` is killed (code null): the bug "it hangs". */
async function runWithin(args: string[], env: Record<string, string>, ms = 150_000): Promise<{ code: number | null; output: string; ms: number }> {
  const started = Date.now();
  const p = startCli(args, env);
  const timer = setTimeout(() => p.child.kill('SIGKILL'), ms);
  const { code } = await p.exited;
  clearTimeout(timer);
  return { code, output: p.output(), ms: Date.now() - started };
}

/** Keys under a prefix (SCAN: this test must not write either). */
async function keysUnder(prefix: string): Promise<string[]> {
  const found: string[] = [];
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    found.push(...keys);
    cursor = next;
  } while (cursor !== '0');
  return found;
}


const jsonLogLine = /^\{"level":/m;

// Each test starts several CLI processes (tsx): on a loaded machine that alone takes tens of seconds.
vi.setConfig({ testTimeout: 300_000, hookTimeout: 120_000 });

beforeAll(async () => {
  t = await createTestEnv();
  redis = new Redis(TEST_REDIS_URL);
});

afterAll(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => undefined);
  redis?.disconnect();
  await t?.cleanup();
});

describe('mikrosync run', () => {
  it('refuses an unknown task or domain locally, listing the tasks, and queues nothing', async () => {
    const [xml, nodomain, collections] = await Promise.all([
      runWithin(['run', 'xml', '--wait'], t.env),
      runWithin(['run', 'nosuch'], t.env),
      runWithin(['run', 'collections', 'sync'], t.env),
    ]);
    expect(xml.code, xml.output).toBe(2);
    expect(xml.output).toMatch(/domain xml has no task "sync"; its tasks: feed \(e\.g\. mikrosync run xml feed --wait\)/);
    expect(nodomain.code).toBe(2);
    expect(nodomain.output).toMatch(/unknown domain "nosuch"\. Domains and their tasks: .*catalog \(sync, .*xml \(feed\)/);
    expect(collections.code).toBe(2);
    expect(collections.output).toMatch(/domain collections has no tasks to run/);
    expect(await keysUnder(t.config.redis.prefix)).toEqual([]);
  });

  it('--version prints the version', async () => {
    const r = await runWithin(['--version'], {});
    expect(r.code, r.output).toBe(0);
    expect(r.output.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('--wait says that no worker is consuming the queue after a few seconds, and keeps the job queued', async () => {
    const r = await runWithin(['run', 'catalog', 'sync', '--wait'], t.env);
    expect(r.code, r.output).toBe(1);
    expect(r.output).toMatch(/no worker is consuming catalog: job \S+ stays queued and runs when one starts \(mikrosync worker --domain catalog\)/);
    const queue = new Redis(TEST_REDIS_URL);
    try {
      expect(await queue.llen(`${t.config.redis.prefix}:catalog:wait`)).toBe(1);
    } finally {
      queue.disconnect();
    }
  });

  it('--wait --keep-waiting keeps waiting after saying so', async () => {
    const p = startCli(['run', 'xml', 'feed', '--wait', '--keep-waiting'], t.env);
    cleanups.push(() => p.stop('SIGKILL'));
    await waitFor('the note', async () => /no worker is consuming xml yet .*waiting up to 3600 s/.test(p.output()), 150_000);
    await new Promise((r) => setTimeout(r, 1000));
    expect(p.child.exitCode).toBeNull();
    await p.stop('SIGKILL');
  });
});

describe('with Redis down', () => {
  it('status, run --wait, dlq list and sweep end within seconds with one line naming REDIS_URL', async () => {
    const env = { ...t.env, REDIS_URL: `redis://127.0.0.1:${await freePort()}` };
    const results = await Promise.all([
      runWithin(['status'], env),
      runWithin(['run', 'catalog', 'sync', '--wait'], env),
      runWithin(['dlq', 'list'], env),
      runWithin(['sweep', '--wait'], env),
    ]);
    for (const r of results) {
      expect(r.code, r.output).toBe(1);
      expect(r.output.trim().split('\n')).toEqual([expect.stringMatching(/^mikrosync: Redis at 127\.0\.0\.1:\d+ \(REDIS_URL\) is unreachable: .*ECONNREFUSED.*Start Redis or correct REDIS_URL\.$/)]);
    }
  });
});

describe('read-only commands', () => {
  it('create no Redis key and say when their prefix holds no fleet', async () => {
    const env = { ...t.env, QUEUE_PREFIX: `${t.config.redis.prefix}_empty` };
    const [status, json, dlq] = await Promise.all([runWithin(['status'], env), runWithin(['status', '--json'], env), runWithin(['dlq', 'list'], env)]);
    for (const r of [status, json, dlq]) {
      expect(r.code, r.output).toBe(0);
      expect(r.output).toContain(`has no queues, no workers and no schedules under QUEUE_PREFIX "${env.QUEUE_PREFIX}"`);
    }
    // The operator's list speaks Turkish unless asked otherwise.
    expect(dlq.output).toContain('hata kuyruğu boş');
    expect((await runWithin(['dlq', 'list', '--lang', 'en'], env)).output).toContain('the dead-letter queue is empty');
    expect(await keysUnder(env.QUEUE_PREFIX)).toEqual([]);
  });
});

describe('start-up checks', () => {
  it('a busy HTTP port stops the producer, naming HTTP_PORT', async () => {
    const owner = net.createServer();
    await new Promise<void>((resolve) => owner.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise((r) => owner.close(r)));
    const port = (owner.address() as net.AddressInfo).port;
    const r = await runWithin(['producer'], { ...t.env, HTTP_PORT: String(port), LOG_LEVEL: 'info' });
    expect(r.code, r.output).toBe(2);
    expect(r.output).toMatch(new RegExp(`HTTP_PORT: port ${port} on 127\\.0\\.0\\.1 is already in use by another process`));
    expect(r.output).not.toMatch(/HTTP server listening/);
  });

  it('card defaults with an unknown column or a wrong type stop start-up, naming every problem', async () => {
    const r = await runWithin(['worker', '--domain', 'stock'], {
      ...t.env,
      STOCK_CARD_DEFAULTS: '{"sto_nope": 1, "sto_muh_kod": 153}',
      CUSTOMER_CARD_DEFAULTS: '{"cari_vade_fark_yuz": "25"}',
    });
    expect(r.code, r.output).toBe(2);
    expect(r.output).toMatch(/STOCK_CARD_DEFAULTS: "sto_nope" is not a column of STOKLAR/);
    expect(r.output).toMatch(/STOCK_CARD_DEFAULTS: sto_muh_kod expects a text, got 153/);
    expect(r.output).toMatch(/CUSTOMER_CARD_DEFAULTS: cari_vade_fark_yuz expects a number, got "25"/);
  });

  it('--env and MIKROSYNC_ENV_FILE load the given file', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'mikrosync-env-'));
    const file = path.join(dir, 'fleet.env');
    writeFileSync(file, Object.entries(t.env).map(([k, v]) => `${k}=${v}`).join('\n'));
    const byOption = await runWithin(['status', '--json', '--env', file], {});
    expect(byOption.code, byOption.output).toBe(0);
    expect(JSON.parse(byOption.output.slice(byOption.output.indexOf('{')))).toMatchObject({ outbox: { pending: 0 } });
    const byVariable = await runWithin(['status', '--json'], { MIKROSYNC_ENV_FILE: file });
    expect(byVariable.code, byVariable.output).toBe(0);
    const missing = await runWithin(['status', '--env', path.join(dir, 'nope.env')], {});
    expect(missing.code).toBe(2);
    expect(missing.output).toMatch(/MIKROSYNC_ENV_FILE \/ --env: no file .*nope\.env/);
  });
});

describe('test-connection', () => {
  const databases: string[] = [];
  afterAll(async () => {
    for (const db of databases) await dropDatabase(dbUrl(db)).catch(() => undefined);
  });
  async function database(suffix: string, ...files: string[]): Promise<string> {
    const name = `${t.name}_${suffix}`;
    databases.push(name);
    await ensureDatabase(dbUrl(name));
    for (const f of files) await runSqlFile(dbUrl(name), f);
    return dbUrl(name);
  }

  it('tells a database that is not the web app\'s, or not Mikro\'s, from one that needs migrate', async () => {
    const empty = await database('empty');
    const webUnmigrated = await database('webapp', DEV_SQL.webAppTables);
    const mikroWithoutLedger = await database('mikro', DEV_SQL.mikroTablesPg);
    const [notWeb, notMigrated] = await Promise.all([
      runWithin(['test-connection'], { ...t.env, WEB_DATABASE_URL: empty, ERP_DATABASE_URL: empty }),
      runWithin(['test-connection'], { ...t.env, WEB_DATABASE_URL: webUnmigrated, ERP_DATABASE_URL: mikroWithoutLedger }),
    ]);
    expect(notWeb.code).toBe(1);
    expect(notWeb.output).toMatch(/FAIL\s+web database: connected, but this is not the web app's database.*Check WEB_DATABASE_URL/);
    expect(notWeb.output).toMatch(/FAIL\s+ERP \(pg\): reachable, but none of the Mikro tables exist .*this is not a Mikro company database/);
    expect(notMigrated.code).toBe(1);
    expect(notMigrated.output).toMatch(/FAIL\s+web database: the web app's database, but mikrosync's tables are missing: sync_outbox.*\(run: mikrosync migrate\)/);
    expect(notMigrated.output).toMatch(/FAIL\s+ERP \(pg\): reachable, but our table MIKROSYNC_LEDGER is missing: run mikrosync migrate/);
  });

  it('names the rights the ERP login lacks', async () => {
    const role = `${t.name}_reader`;
    const admin = new pg.Client({ connectionString: t.env.ERP_DATABASE_URL });
    await admin.connect();
    try {
      await admin.query(`CREATE ROLE ${role} LOGIN`);
      cleanups.push(async () => {
        const c = new pg.Client({ connectionString: t.env.ERP_DATABASE_URL });
        await c.connect();
        await c.query(`DROP OWNED BY ${role}`).catch(() => undefined);
        await c.end();
        // The database is dropped at clean-up; the role is cluster-wide.
        const p = new pg.Client({ connectionString: dbUrl('postgres') });
        await p.connect();
        await p.query(`DROP ROLE IF EXISTS ${role}`).catch(() => undefined);
        await p.end();
      });
      await admin.query(`GRANT SELECT ON ALL TABLES IN SCHEMA public TO ${role}`);
      await admin.query(`GRANT INSERT ON ALL TABLES IN SCHEMA public TO ${role}`);
      await admin.query(`REVOKE INSERT ON "STOK_HAREKETLERI", "CARI_HESAP_HAREKETLERI" FROM ${role}`);
    } finally {
      await admin.end();
    }
    const url = new URL(t.env.ERP_DATABASE_URL!);
    url.username = role;
    const r = await runWithin(['test-connection'], { ...t.env, ERP_DATABASE_URL: url.toString() });
    expect(r.code, r.output).toBe(1);
    expect(r.output).toMatch(/FAIL\s+ERP \(pg\): reachable, but the login may not insert into: CARI_HESAP_HAREKETLERI, STOK_HAREKETLERI \(grant INSERT\)/);
    expect(r.output).toMatch(/ok\s+web database/);
  });

  it('passes on a managed Redis that refuses CONFIG GET, reporting the policy from INFO or as unknown', async () => {
    const port = await freePort();
    const dir = mkdtempSync(path.join(tmpdir(), 'mikrosync-redis-'));
    // As some managed services do: CONFIG is not available to clients.
    writeFileSync(path.join(dir, 'redis.conf'), `port ${port}\nbind 127.0.0.1\nsave ""\nappendonly no\ndir ${dir}\nrename-command CONFIG ""\n`);
    const proc = spawn('redis-server', [path.join(dir, 'redis.conf')], { stdio: 'ignore' });
    cleanups.push(async () => {
      proc.kill('SIGKILL');
      await new Promise((r) => proc.once('exit', r));
    });
    // Reconnects every 50 ms until the server is up; a PING waits for that.
    const own = new Redis(port, '127.0.0.1', { retryStrategy: () => 50 });
    own.on('error', () => undefined);
    await waitFor('own redis up', async () => (await own.ping()) === 'PONG', 30_000);
    own.disconnect();
    const r = await runWithin(['test-connection'], { ...t.env, REDIS_URL: `redis://127.0.0.1:${port}` });
    expect(r.code, r.output).toBe(0);
    expect(r.output).toMatch(/ok\s+redis: Redis \d/);
    expect(r.output).toMatch(/ok\s+ERP \(pg\): reachable; Mikro tables, MIKROSYNC_LEDGER and the rights to read and insert are there/);
  });
});

describe('human output', () => {
  it('carries no JSON log lines: logs go to stderr, and are pretty on a terminal', async () => {
    // stdout alone, through a pipe.
    const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', 'apps/producer/src/cli.ts', 'sweep', '--wait'], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...t.env, LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(code, stdout + stderr).toBe(0);
    expect(stdout).toMatch(/enqueued 0 outbox event\(s\)/);
    expect(stdout).not.toMatch(jsonLogLine);

    // A terminal: `script` gives the command a pseudo-terminal for stdout and stderr.
    const command = ['node', '--conditions=source', '--import', 'tsx', 'apps/producer/src/cli.ts', 'sweep', '--wait'].join(' ');
    const tty = spawn('script', ['-qec', command, '/dev/null'], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', TERM: 'dumb', ...t.env, LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let screen = '';
    tty.stdout.on('data', (d: Buffer) => (screen += d.toString()));
    const ttyCode = await new Promise<number | null>((resolve) => tty.on('close', resolve));
    expect(ttyCode, screen).toBe(0);
    expect(screen).toMatch(/enqueued 0 outbox event\(s\)/);
    expect(screen).not.toMatch(/\{"level":/);
  });
});
