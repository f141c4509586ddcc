/**
 * The demo: every flow of mikrosync on this machine with demo data for every system — the web
 * tables and the Mikro stand-in (PostgreSQL), a generated Entegra file, the fake Bitrix24 portal of
 * the tests, and a local SFTP target when OpenSSH is installed. Starts the producer and every worker
 * in one process, runs every scheduled flow once, prints the URLs. Ctrl-C stops everything.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createEntegraDb } from '../tests/support/entegra-fixture.js';
import { makeLead, makeContact, makeCompany, makeDeal, startFakeBitrix } from '../tests/support/fake-bitrix/index.js';
import { startSshd, type TestSshd } from '../tests/support/sshd.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const demoDir = path.join(root, '.demo');
mkdirSync(demoDir, { recursive: true });
const port = process.env.HTTP_PORT ?? '3456';
const env: Record<string, string> = {
  ...(process.env as Record<string, string>),
  WEB_DATABASE_URL: process.env.DEMO_WEB_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/mikrosync_demo_web',
  ERP_DIALECT: 'pg',
  ERP_DATABASE_URL: process.env.DEMO_ERP_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/mikrosync_demo_erp',
  QUEUE_PREFIX: process.env.QUEUE_PREFIX ?? 'mikrosync-demo',
  HTTP_HOST: '127.0.0.1',
  HTTP_PORT: port,
  LOG_PRETTY: process.env.LOG_PRETTY ?? 'true',
  LOG_LEVEL: process.env.LOG_LEVEL ?? 'info',
};
const cli = (args: string[], stdio: 'inherit' | 'ignore' = 'inherit') =>
  spawnSync(process.execPath, ['--conditions=source', '--import', 'tsx', 'apps/producer/src/cli.ts', ...args], { cwd: root, env, stdio });

// 1. Databases: the web app's tables, our migrations, the Mikro stand-in, demo rows.
if (cli(['dev-setup', '--demo', '--fresh']).status !== 0) process.exit(1);

// 2. Entegra: a generated db.s3db with the real table layouts.
const entegraPath = path.join(demoDir, 'entegra', 'db.s3db');
mkdirSync(path.dirname(entegraPath), { recursive: true });
createEntegraDb({ path: entegraPath }).close?.();
env.ENTEGRA_DB_PATH = entegraPath;

// 3. Bitrix24: the fake portal of the tests, with a few CRM records.
const bitrix = await startFakeBitrix({ rate: 50, burst: 100 });
const clock = bitrix.data.clock;
bitrix.data.seed('leads', Array.from({ length: 25 }, (_, i) => makeLead(clock, i + 1, i, 25)));
bitrix.data.seed('contacts', Array.from({ length: 10 }, (_, i) => makeContact(clock, i + 1, i, 10)));
bitrix.data.seed('companies', Array.from({ length: 5 }, (_, i) => makeCompany(clock, i + 1, i, 5)));
bitrix.data.seed('deals', Array.from({ length: 8 }, (_, i) => makeDeal(clock, i + 1, i, 8)));
env.BITRIX_WEBHOOK_URL = bitrix.url;

// 4. Stock XML: a local SFTP target when OpenSSH is installed; otherwise the feed is only written locally.
let sshd: TestSshd | undefined;
try {
  sshd = await startSshd();
  Object.assign(env, {
    SSH_HOST: sshd.host,
    SSH_PORT: String(sshd.port),
    SSH_USER: sshd.user,
    SSH_PRIVATE_KEY_PATH: sshd.clientKeyPath,
    SSH_REMOTE_PATH: `${sshd.remoteDir}/`,
    SSH_HOST_FINGERPRINT: sshd.hostFingerprint,
  });
} catch (err) {
  process.stdout.write(`(no local SFTP target: ${err instanceof Error ? err.message.split('\n')[0] : String(err)})\n`);
}
env.STOCK_XML_OUTPUT_DIR = path.join(demoDir, 'feed');

// 5. The fleet, then every scheduled flow once.
const fleet = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', 'apps/producer/src/cli.ts', 'start'], { cwd: root, env, stdio: 'inherit' });
await new Promise((r) => setTimeout(r, 4000));
for (const [flow, task] of [['catalog', 'sync'], ['entegra', 'sync'], ['xml', 'feed'], ['bitrix', 'cycle']]) cli(['run', flow!, task!], 'ignore');

process.stdout.write(`
mikrosync demo
  status page  http://127.0.0.1:${port}/status
  Bull Board   http://127.0.0.1:${port}/admin/queues
  health       http://127.0.0.1:${port}/readyz
  metrics      http://127.0.0.1:${port}/metrics
  web DB       ${env.WEB_DATABASE_URL}
  ERP DB       ${env.ERP_DATABASE_URL}   (PostgreSQL stand-in of Mikro)
  Entegra      ${entegraPath}
  Bitrix24     fake portal on ${new URL(bitrix.url).host}
  stock XML    ${sshd ? `sftp://${sshd.user}@${sshd.host}:${sshd.port}${sshd.remoteDir}/` : env.STOCK_XML_OUTPUT_DIR}
Ctrl-C stops everything.
`);

const stop = async () => {
  fleet.kill('SIGTERM');
  await new Promise((r) => fleet.once('exit', r));
  await bitrix.close();
  await sshd?.stop();
  process.exit(0);
};
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
