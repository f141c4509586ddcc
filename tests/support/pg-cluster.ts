/**
 * A throw-away PostgreSQL cluster of one test (Debian's postgresql-common tools, run as root), so a
 * test can stop and start "the ERP" or "the web database" without touching the machine's shared
 * cluster on 5432. Names carry the creating process id: clusters left behind by a killed run are
 * dropped by the next one, and parallel runs never share a cluster. The `main` cluster is never
 * touched.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { promisify } from 'node:util';
import pg from 'pg';
import { freePort } from './ports.js';

const run = promisify(execFile);
const VERSION = process.env.TEST_PG_CLUSTER_VERSION ?? '15';
const PREFIX = 'mikrosync_t';

export interface PgCluster {
  name: string;
  port: number;
  /** A connection URL to `database` on this cluster. */
  url(database: string): string;
  /** Starts the cluster and resolves at the moment it accepts connections (epoch ms). */
  start(): Promise<number>;
  /** Stops it (fast shutdown: open connections are cut, as when the server goes away). */
  stop(): Promise<void>;
  /** Stops and deletes it with its data. */
  drop(): Promise<void>;
}


async function ctl(...args: string[]): Promise<void> {
  try {
    await run(args[0]!, args.slice(1), { timeout: 120_000 });
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    throw new Error(`${args.join(' ')} failed: ${e.stderr?.trim() || e.message}`);
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Drops clusters of earlier runs whose creating process is gone (a run killed before its teardown). */
async function dropOrphans(): Promise<void> {
  let names: string[];
  try {
    names = readdirSync(`/etc/postgresql/${VERSION}`);
  } catch {
    return;
  }
  for (const name of names) {
    const pid = Number(new RegExp(`^${PREFIX}(\\d+)_[0-9a-f]+$`).exec(name)?.[1]);
    if (pid && !alive(pid)) await ctl('pg_dropcluster', '--stop', VERSION, name).catch(() => undefined);
  }
}

async function acceptsConnections(port: number): Promise<boolean> {
  const client = new pg.Client({ host: '127.0.0.1', port, user: 'postgres', database: 'postgres', connectionTimeoutMillis: 2000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Creates and starts a cluster with trust authentication on a free local port. */
export async function createPgCluster(): Promise<PgCluster> {
  await dropOrphans();
  const name = `${PREFIX}${process.pid}_${randomBytes(3).toString('hex')}`;
  const port = await freePort();
  // Test data only: no fsync, small buffers; enough connections for a fleet of worker processes.
  await ctl(
    'pg_createcluster', VERSION, name, '-p', String(port),
    '-o', 'fsync=off', '-o', 'synchronous_commit=off', '-o', 'full_page_writes=off',
    '-o', 'shared_buffers=32MB', '-o', 'max_connections=200',
    '--', '--auth=trust',
  );
  const cluster: PgCluster = {
    name,
    port,
    url: (database) => `postgres://postgres@127.0.0.1:${port}/${database}`,
    async start() {
      await ctl('pg_ctlcluster', VERSION, name, 'start');
      // pg_ctlcluster returns once the postmaster is up; the moment that counts is the first login.
      const deadline = Date.now() + 60_000;
      while (Date.now() < deadline) {
        if (await acceptsConnections(port)) return Date.now();
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error(`cluster ${name} started but refuses connections on port ${port}`);
    },
    stop: () => ctl('pg_ctlcluster', VERSION, name, 'stop', '-m', 'fast'),
    drop: () => ctl('pg_dropcluster', '--stop', VERSION, name),
  };
  try {
    await cluster.start();
  } catch (err) {
    await cluster.drop().catch(() => undefined);
    throw err;
  }
  return cluster;
}
