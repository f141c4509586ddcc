/**
 * The demo: every flow of mikrosync on this machine with demo data for every system — the web
 * tables and the Mikro stand-in (PostgreSQL), a generated Entegra file, the fake Bitrix24 portal of
 * the tests, and a local SFTP target when OpenSSH is installed. Starts the producer and every worker
 * in one process, runs every scheduled flow once, prints the URLs. Ctrl-C stops everything.
 *
 * The demo uses only its own settings: it writes them to `.demo/demo.env` and points every process
 * it starts at that file (MIKROSYNC_ENV_FILE), so a shop's `.env` in the same checkout (alerts, the
 * live SFTP target) is never read. Its own knobs: DEMO_PORT (or HTTP_PORT), DEMO_QUEUE_PREFIX,
 * DEMO_REDIS_URL, DEMO_WEB_DATABASE_URL, DEMO_ERP_DATABASE_URL, LOG_LEVEL, LOG_PRETTY.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { DOMAINS, defaultTaskOf } from '@mikrosync/core';
import { createEntegraDb } from '../tests/support/entegra-fixture.js';
import { makeLead, makeContact, makeCompany, makeDeal, startFakeBitrix } from '../tests/support/fake-bitrix/index.js';
import { startSshd, type TestSshd } from '../tests/support/sshd.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const demoDir = path.join(root, '.demo');
const envFile = path.join(demoDir, 'demo.env');
const port = process.env.DEMO_PORT ?? process.env.HTTP_PORT ?? '3456';
const settings: Record<string, string> = {
  WEB_DATABASE_URL: process.env.DEMO_WEB_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/mikrosync_demo_web',
  ERP_DIALECT: 'pg',
  ERP_DATABASE_URL: process.env.DEMO_ERP_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/mikrosync_demo_erp',
  REDIS_URL: process.env.DEMO_REDIS_URL ?? 'redis://127.0.0.1:6379',
  QUEUE_PREFIX: process.env.DEMO_QUEUE_PREFIX ?? 'mikrosync-demo',
  HTTP_HOST: '127.0.0.1',
  HTTP_PORT: port,
  LOG_PRETTY: process.env.LOG_PRETTY ?? 'true',
  LOG_LEVEL: process.env.LOG_LEVEL ?? 'info',
};

// What a child needs from this shell to run at all; every mikrosync setting comes from the demo.
const PASSED_THROUGH = ['PATH', 'HOME', 'TMPDIR', 'TZ', 'LANG', 'LC_ALL', 'TERM', 'NO_COLOR', 'FORCE_COLOR'];
function childEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const k of PASSED_THROUGH) if (process.env[k] !== undefined) env[k] = process.env[k]!;
  return { ...env, ...settings, MIKROSYNC_ENV_FILE: envFile };
}

/** `.demo/demo.env`: the demo's settings, for the fleet and for an operator's CLI next to it. */
function writeEnvFile(): void {
  const lines = Object.entries(settings).map(([k, v]) => `${k}='${v}'`);
  writeFileSync(envFile, `# Written by npm run demo: the demo's own settings (not the shop's .env).\n${lines.join('\n')}\n`);
}

const CLI = ['--conditions=source', '--import', 'tsx', 'apps/producer/src/cli.ts'];
function cli(args: string[], stdio: 'inherit' | 'ignore' = 'inherit'): Promise<number | null> {
  const child = spawn(process.execPath, [...CLI, ...args], { cwd: root, env: childEnv(), stdio: ['ignore', stdio, stdio] });
  return new Promise((resolve) => child.on('exit', (code) => resolve(code)));
}

/** A demo starts clean: the previous run's jobs, dead letters and flow states go with its databases. */
async function clearQueues(): Promise<number> {
  const redis = new Redis(settings.REDIS_URL!, { maxRetriesPerRequest: 2 });
  try {
    let removed = 0;
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${settings.QUEUE_PREFIX}:*`, 'COUNT', 500);
      if (keys.length) removed += await redis.unlink(...keys);
      cursor = next;
    } while (cursor !== '0');
    return removed;
  } finally {
    redis.disconnect();
  }
}

async function waitReady(timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!fleet || fleet.exitCode !== null || fleet.signalCode !== null) return false;
    const ok = await fetch(`http://127.0.0.1:${port}/readyz`).then((r) => r.ok, () => false);
    if (ok) return true;
    await new Promise((r) => setTimeout(r, 500));
  }
  return false;
}

let fleet: ChildProcess | undefined;
let bitrix: Awaited<ReturnType<typeof startFakeBitrix>> | undefined;
let sshd: TestSshd | undefined;

/**
 * Ctrl-C reaches this process twice (from the terminal and relayed by npm) and never the fleet,
 * which runs in its own process group: the fleet gets exactly one signal and drains its running
 * jobs. A signal more than two seconds later is a second Ctrl-C: the fleet then exits at once.
 */
let stopping: { at: number; done: Promise<void> } | undefined;
let forced = false;
function onSignal(signal: NodeJS.Signals): void {
  if (stopping) {
    if (!forced && Date.now() - stopping.at > 2000 && fleet && fleet.exitCode === null) {
      forced = true;
      fleet.kill(signal);
    }
    return;
  }
  const done = (async () => {
    if (fleet && fleet.exitCode === null && fleet.signalCode === null) {
      const exited = new Promise((r) => fleet!.once('exit', r));
      fleet.kill(signal);
      await exited;
    }
    await bitrix?.close();
    await sshd?.stop();
  })();
  stopping = { at: Date.now(), done };
  void done.then(
    () => process.exit(fleet?.exitCode ?? 0),
    (err: unknown) => {
      process.stderr.write(`demo: stopping failed: ${String(err)}\n`);
      process.exit(1);
    },
  );
}
process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);
// Whatever ends this process, the fleet does not outlive it.
process.on('exit', () => {
  if (fleet && fleet.exitCode === null && fleet.signalCode === null) fleet.kill('SIGTERM');
});

async function main(): Promise<void> {
  mkdirSync(demoDir, { recursive: true });
  rmSync(path.join(demoDir, 'feed'), { recursive: true, force: true });
  writeEnvFile();

  // 1. A clean start: the demo's queues emptied, the databases recreated with demo rows.
  const removed = await clearQueues();
  if (removed) process.stdout.write(`cleared ${removed} Redis key(s) of the previous demo run (prefix ${settings.QUEUE_PREFIX})\n`);
  if ((await cli(['dev-setup', '--demo', '--fresh'])) !== 0) process.exit(1);
  if (stopping) return;

  // 2. Entegra: a generated db.s3db with the real table layouts.
  const entegraPath = path.join(demoDir, 'entegra', 'db.s3db');
  mkdirSync(path.dirname(entegraPath), { recursive: true });
  createEntegraDb({ path: entegraPath }).close?.();
  settings.ENTEGRA_DB_PATH = entegraPath;

  // 3. Bitrix24: the fake portal of the tests, with a few CRM records.
  bitrix = await startFakeBitrix({ rate: 50, burst: 100 });
  const clock = bitrix.data.clock;
  bitrix.data.seed('leads', Array.from({ length: 25 }, (_, i) => makeLead(clock, i + 1, i, 25)));
  bitrix.data.seed('contacts', Array.from({ length: 10 }, (_, i) => makeContact(clock, i + 1, i, 10)));
  bitrix.data.seed('companies', Array.from({ length: 5 }, (_, i) => makeCompany(clock, i + 1, i, 5)));
  bitrix.data.seed('deals', Array.from({ length: 8 }, (_, i) => makeDeal(clock, i + 1, i, 8)));
  settings.BITRIX_WEBHOOK_URL = bitrix.url;

  // 4. Stock XML: a local SFTP target when OpenSSH is installed; otherwise the feed is only written locally.
  try {
    sshd = await startSshd();
    Object.assign(settings, {
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
  settings.STOCK_XML_OUTPUT_DIR = path.join(demoDir, 'feed');
  writeEnvFile();
  if (stopping) return;

  // 5. The fleet in a process group of its own (see onSignal), then every scheduled flow once.
  fleet = spawn(process.execPath, [...CLI, 'start'], { cwd: root, env: childEnv(), stdio: ['ignore', 'inherit', 'inherit'], detached: true });
  fleet.on('exit', (code, signal) => {
    if (!stopping) {
      process.stderr.write(`demo: the fleet exited (${signal ?? `code ${code}`})\n`);
      onSignal('SIGTERM');
    }
  });
  if (!(await waitReady(120_000))) {
    // Already stopping (a signal, or the fleet exited): onSignal is under way and must not send more.
    if (stopping) return;
    process.stderr.write(`demo: http://127.0.0.1:${port}/readyz did not answer within 2 minutes\n`);
    onSignal('SIGTERM');
    return;
  }
  // Every domain's default task once, so the page shows each flow with a run behind it.
  for (const domain of DOMAINS) {
    const task = defaultTaskOf(domain);
    if (stopping) return;
    if (task) await cli(['run', domain, task.name], 'ignore');
  }

  const cliHint = `MIKROSYNC_ENV_FILE=${path.relative(root, envFile)} npm run dev -- dlq list`;
  process.stdout.write(`
mikrosync demo
  status page  http://127.0.0.1:${port}/status
  Bull Board   http://127.0.0.1:${port}/admin/queues
  health       http://127.0.0.1:${port}/readyz
  metrics      http://127.0.0.1:${port}/metrics
  web DB       ${settings.WEB_DATABASE_URL}
  ERP DB       ${settings.ERP_DATABASE_URL}   (ERP_DIALECT=${settings.ERP_DIALECT}: PostgreSQL stand-in of Mikro)
  Redis        ${settings.REDIS_URL}   (QUEUE_PREFIX=${settings.QUEUE_PREFIX})
  Entegra      ${entegraPath}
  Bitrix24     fake portal on ${new URL(bitrix.url).host}
  stock XML    ${sshd ? `sftp://${sshd.user}@${sshd.host}:${sshd.port}${sshd.remoteDir}/` : settings.STOCK_XML_OUTPUT_DIR}
  settings     ${envFile}
  CLI          ${cliHint}
Ctrl-C stops everything.
`);
}

await main();
