/**
 * The edge worker as the Windows service runs it, on Linux: `mikrosync service install` writes the
 * WinSW configuration for the `.env` of a directory; the command in it (node, the compiled CLI
 * under a path with spaces, split as Windows splits a command line, run in the working directory)
 * starts a worker that reads that `.env`, writes its heartbeat (`health --worker` exits 0), and on
 * Ctrl+C (SIGINT, what WinSW sends) finishes the job it is running before it exits; a killed
 * worker's heartbeat expires (`health --worker` exits 1).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { XMLParser } from 'fast-xml-parser';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestEnv, ERP_UNDER_TEST, waitFor, type TestEnv } from '../support/test-env.js';
import { insertCollection, seedErpMasterData, seedWebMasterData, type SeededIds } from '../support/seed.js';
import { runCli, startCli, type CliProcess } from '../support/processes.js';
import { splitWindowsArgs } from '../support/windows-args.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const COMPILED_CLI = path.join(ROOT, 'apps/producer/dist/cli.js');

interface Proc {
  output(): string;
  exited: Promise<{ code: number | null; at: number }>;
  kill(signal: NodeJS.Signals): void;
  running(): boolean;
}

/** Runs a command as WinSW would: executable, its argument line split, in the working directory. */
function run(executable: string, args: string[], cwd: string): Proc {
  const child = spawn(executable, args, { cwd, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', NODE_ENV: 'production' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<{ code: number | null; at: number }>((resolve) => child.on('exit', (code) => resolve({ code, at: Date.now() })));
  return {
    output: () => out,
    exited,
    kill: (signal) => child.kill(signal),
    running: () => child.exitCode === null && child.signalCode === null,
  };
}

describe.skipIf(ERP_UNDER_TEST !== 'pg')('the worker as a Windows service runs it', () => {
  let t: TestEnv;
  let ids: SeededIds;
  let base: string;
  let programCli: string;
  let dataDir: string;
  let producer: CliProcess | undefined;
  const workers: Proc[] = [];
  let service: { executable: string; arguments: string; workingdirectory: string; stoptimeout: string };

  const health = async (domain = 'collections') => {
    const p = run(process.execPath, [programCli, 'health', '--worker', '--domain', domain], dataDir);
    return { code: (await p.exited).code, output: p.output() };
  };
  const startService = () => {
    const w = run(service.executable, splitWindowsArgs(service.arguments), service.workingdirectory);
    workers.push(w);
    return w;
  };

  beforeAll(async () => {
    expect(existsSync(COMPILED_CLI), `${COMPILED_CLI} is missing: build first (npx tsc -b)`).toBe(true);
    t = await createTestEnv({ WORKER_HEARTBEAT_MS: '2000', SHUTDOWN_TIMEOUT_MS: '30000', ERP_LOCK_TIMEOUT_MS: '60000', ERP_REQUEST_TIMEOUT_MS: '60000', LOG_LEVEL: 'info' });
    await seedErpMasterData(t.erp);
    ids = await seedWebMasterData(t.web);
    // The installation and the service directory under paths with spaces, as on a shop's server.
    base = mkdtempSync(path.join(tmpdir(), 'mikrosync-service-'));
    mkdirSync(path.join(base, 'Program Files'));
    symlinkSync(ROOT, path.join(base, 'Program Files', 'mikrosync'));
    programCli = path.join(base, 'Program Files', 'mikrosync', 'apps', 'producer', 'dist', 'cli.js');
    dataDir = path.join(base, 'Mikro Data', 'mikrosync service');
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(path.join(dataDir, '.env'), Object.entries(t.env).map(([k, v]) => `${k}="${v}"`).join('\n') + '\n');
  });
  afterAll(async () => {
    for (const w of workers) if (w.running()) w.kill('SIGKILL');
    await producer?.stop();
    await t?.cleanup();
    if (base) rmSync(base, { recursive: true, force: true });
  });

  it('install writes a WinSW configuration: node on the compiled CLI, in the directory of .env, with a stop timeout past the drain', async () => {
    const r = await runCli(['service', 'install', '--domain', 'collections', '--dir', dataDir, '--cli', programCli, '--no-register'], {});
    expect(r.code, r.output).toBe(0);
    const xml = readFileSync(path.join(dataDir, 'mikrosync-collections.xml'), 'utf8');
    service = (new XMLParser().parse(xml) as { service: typeof service }).service;
    expect(service.executable).toBe(process.execPath);
    expect(splitWindowsArgs(service.arguments)).toEqual([programCli, 'worker', '--domain', 'collections']);
    expect(service.workingdirectory).toBe(dataDir);
    expect(Number(/^(\d+) sec$/.exec(service.stoptimeout)?.[1]) * 1000).toBeGreaterThan(30_000);
    expect(r.output).toMatch(/not registered/);
  });

  it('install refuses a directory without .env, and an Entegra file on a network share', async () => {
    const empty = path.join(base, 'empty dir');
    mkdirSync(empty);
    const missing = await runCli(['service', 'install', '--domain', 'entegra', '--dir', empty, '--cli', programCli, '--no-register'], {});
    expect(missing.code).toBe(2);
    expect(missing.output).toMatch(/no \.env in .*empty dir/);
    const share = path.join(base, 'share');
    mkdirSync(share);
    writeFileSync(path.join(share, '.env'), `${readFileSync(path.join(dataDir, '.env'), 'utf8')}ENTEGRA_DB_PATH=\\\\MAGAZA-PC\\Ana Entegra\\db.s3db\n`);
    const unc = await runCli(['service', 'install', '--domain', 'entegra', '--dir', share, '--cli', programCli, '--no-register'], {});
    expect(unc.code).toBe(2);
    expect(unc.output).toMatch(/ENTEGRA_DB_PATH \\\\MAGAZA-PC\\Ana Entegra\\db\.s3db is a network path/);
    expect(existsSync(path.join(share, 'mikrosync-entegra.xml'))).toBe(false);
  });

  it('the service command starts a worker with a live heartbeat; Ctrl+C lets its running job finish, then it exits and its heartbeat is gone', async () => {
    producer = startCli(['producer'], t.env);
    const worker = startService();
    await waitFor('worker started', async () => /workers started/.test(worker.output()), 30_000);
    const alive = await waitFor('health --worker ok', async () => {
      const h = await health();
      return h.code === 0 ? h : undefined;
    }, 30_000, 200);
    expect(alive.output).toMatch(/^ok +worker pid \d+ on .*\(collections\)/m);
    expect((await health('stock')).code).toBe(1);

    // Hold the ERP table the collection is posted to, so the job is running when the signal comes.
    const lock: pg.PoolClient = await t.erpSql.connect();
    try {
      await lock.query('BEGIN');
      await lock.query('LOCK TABLE "CARI_HESAP_HAREKETLERI" IN ACCESS EXCLUSIVE MODE');
      const id = await insertCollection(t.web, { cari_hesap_id: ids.serhan, tahsilat_tipi: 'nakit', kasa_id: ids.kasa001, tutar: 42 });
      await waitFor('job waiting on the ERP lock', async () => Number((await t.erpSql.query(`SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`)).rows[0].n) > 0, 30_000);

      worker.kill('SIGINT');
      await waitFor('shutdown logged', async () => /"signal":"SIGINT".*shutting down|shutting down.*"signal":"SIGINT"/.test(worker.output()), 10_000);
      // Draining: the process stays while its job waits (a fixed pause: nothing to poll for an absence).
      await new Promise((r) => setTimeout(r, 1500));
      expect(worker.running(), worker.output()).toBe(true);
      const releasedAt = Date.now();
      await lock.query('COMMIT');

      const exit = await worker.exited;
      expect(exit.code, worker.output()).toBe(0);
      expect(exit.at).toBeGreaterThanOrEqual(releasedAt);
      const mapping = (await t.web.query('SELECT erp_recno FROM int_tahsilat_mapping WHERE web_tahsilat_id = $1', [id])).rows;
      expect(mapping).toHaveLength(1);
      expect((await t.erpSql.query(`SELECT 1 FROM "CARI_HESAP_HAREKETLERI" WHERE "cha_RECno" = $1`, [mapping[0].erp_recno])).rowCount).toBe(1);
    } finally {
      await lock.query('ROLLBACK').catch(() => undefined);
      lock.release();
    }
    // Taken back on the clean stop, not left to expire (it would count for 6 s more).
    const after = await health();
    expect(after.code, after.output).toBe(1);
    expect(after.output).toMatch(/no live worker heartbeat on this host .*for domain collections/);
  });

  it('health fails within seconds, naming REDIS_URL, when Redis does not answer', async () => {
    const started = Date.now();
    const r = await runCli(['health', '--worker'], { ...t.env, REDIS_URL: 'redis://127.0.0.1:1' });
    expect(r.code, r.output).toBe(1);
    expect(r.output).toMatch(/FAIL +redis \(REDIS_URL\): .*ECONNREFUSED/);
    // Its own wait is 5 s; the rest is starting node on a loaded machine.
    expect(Date.now() - started).toBeLessThan(30_000);
  });

  it('a killed worker fails the health check once its heartbeat expires', async () => {
    const worker = startService();
    await waitFor('health --worker ok', async () => (await health()).code === 0, 30_000, 200);
    worker.kill('SIGKILL');
    await worker.exited;
    // Three heartbeat intervals (6 s), polled.
    await waitFor('health --worker fails', async () => (await health()).code === 1, 20_000, 500);
  });
});
