/**
 * Development and test set-up of local databases: create them, load the web app's own tables
 * and the Mikro stand-in tables. Never used against production, where those tables exist.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import pg from 'pg';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
export const DEV_SQL = {
  webAppTables: path.join(REPO_ROOT, 'db/dev/web-app-tables.sql'),
  mikroTablesPg: path.join(REPO_ROOT, 'db/erp-standin/pg/mikro-tables.sql'),
  mikroTablesMssql: path.join(REPO_ROOT, 'db/erp-standin/mssql/mikro-tables.sql'),
  demoWeb: path.join(REPO_ROOT, 'db/dev/demo-web.sql'),
  demoErp: path.join(REPO_ROOT, 'db/dev/demo-erp.sql'),
};

/** Creates the database of `url` when missing (connecting to the server's `postgres` database). */
export async function ensureDatabase(url: string, opts: { template?: string; recreate?: boolean } = {}): Promise<boolean> {
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.replace(/^\//, ''));
  if (!/^[A-Za-z0-9_]+$/.test(name)) throw new Error(`refusing to create database with unusual name "${name}"`);
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (exists.rowCount && opts.recreate) await client.query(`DROP DATABASE "${name}" WITH (FORCE)`);
    else if (exists.rowCount) return false;
    if (opts.template && !/^[A-Za-z0-9_]+$/.test(opts.template)) throw new Error(`bad template name ${opts.template}`);
    await client.query(`CREATE DATABASE "${name}"${opts.template ? ` TEMPLATE "${opts.template}"` : ''}`);
    return true;
  } finally {
    await client.end();
  }
}

export async function dropDatabase(url: string): Promise<void> {
  const name = decodeURIComponent(new URL(url).pathname.replace(/^\//, ''));
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  } finally {
    await client.end();
  }
}

export async function runSqlFile(url: string, file: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(await readFile(file, 'utf8'));
  } finally {
    await client.end();
  }
}
