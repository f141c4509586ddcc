/**
 * A test environment for fault runs: the usual per-file databases and Redis prefix, with the ERP
 * stand-in or the web database moved to a PostgreSQL cluster of this test (so the test can stop
 * it), an alert webhook, and the producer's status API on a port of its own.
 */
import pg from 'pg';
import { loadConfig } from '@mikrosync/core';
import { createPgErpClient, ensureDatabase } from '@mikrosync/connectors';
import { startAlertHook, type AlertHook } from './alert-hook.js';
import { createPgCluster, type PgCluster } from './pg-cluster.js';
import { freePort } from './ports.js';
import { loadErpSchema, loadWebSchema } from './schemas.js';
import { createTestEnv, type TestEnv } from './test-env.js';

export interface FaultEnv extends TestEnv {
  /** The cluster holding the database that goes down, when there is one. */
  cluster: PgCluster | undefined;
  hook: AlertHook;
  /** GET /api/status of the producer, parsed. */
  status(): Promise<unknown>;
}

const ADMIN = { user: 'faults', password: 'fault-run-admin' };

/** Reads Mikro datetimes as text, as the ERP connector does. */
function erpPool(url: string): pg.Pool {
  const pool = new pg.Pool({
    connectionString: url,
    max: 4,
    types: { getTypeParser: (oid: number, format?: 'text' | 'binary') => (oid === pg.types.builtins.TIMESTAMP ? (v: string) => v : pg.types.getTypeParser(oid, format ?? 'text')) },
  });
  // The test stops the server under it: idle connections end with an error, which is expected.
  pool.on('error', () => undefined);
  return pool;
}

export async function createFaultEnv(own: 'erp' | 'web' | undefined, overrides: Record<string, string> = {}): Promise<FaultEnv> {
  const hook = await startAlertHook();
  const port = await freePort();
  const base = await createTestEnv({
    ADMIN_USER: ADMIN.user,
    ADMIN_PASSWORD: ADMIN.password,
    HTTP_PORT: String(port),
    ALERT_WEBHOOK_URL: hook.url,
    ALERT_CHECK_INTERVAL_MS: '2000',
    ...overrides,
  }).catch(async (err: unknown) => {
    await hook.close();
    throw err;
  });
  const status = async () => {
    const res = await fetch(`http://127.0.0.1:${port}/api/status`, {
      headers: { authorization: `Basic ${Buffer.from(`${ADMIN.user}:${ADMIN.password}`).toString('base64')}` },
      signal: AbortSignal.timeout(10_000),
    });
    if (!res.ok) throw new Error(`GET /api/status answered ${res.status}`);
    return res.json() as Promise<unknown>;
  };
  if (!own) {
    return { ...base, cluster: undefined, hook, status, cleanup: async () => (await base.cleanup(), await hook.close()) };
  }
  const cluster = await createPgCluster();
  try {
    const url = cluster.url(own === 'erp' ? 'mikro' : 'web');
    await ensureDatabase(url);
    await (own === 'erp' ? loadErpSchema(url) : loadWebSchema(url));
    const env = { ...base.env, [own === 'erp' ? 'ERP_DATABASE_URL' : 'WEB_DATABASE_URL']: url };
    const moved: Partial<TestEnv> = { env, config: loadConfig(env) };
    if (own === 'erp') {
      moved.erpSql = erpPool(url);
      moved.erp = createPgErpClient({ url, poolMax: 4, requestTimeoutMs: 30_000, lockTimeoutMs: 10_000 });
    } else {
      moved.web = new pg.Pool({ connectionString: url, max: 4 });
      moved.web.on('error', () => undefined);
    }
    return {
      ...base,
      ...moved,
      cluster,
      hook,
      status,
      async cleanup() {
        await Promise.allSettled([moved.erpSql?.end(), moved.erp?.close(), moved.web?.end()]);
        await base.cleanup();
        await hook.close();
        await cluster.drop();
      },
    };
  } catch (err) {
    await base.cleanup();
    await hook.close();
    await cluster.drop().catch(() => undefined);
    throw err;
  }
}
