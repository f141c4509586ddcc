/**
 * `mikrosync service install|uninstall --domain <d>|--producer`: a worker (or the producer) as a
 * Windows service through WinSW.
 * Install checks the `.env` of the service directory, writes `<dir>\mikrosync-<d>.xml`, copies
 * WinSW next to it as `mikrosync-<d>.exe`, and on Windows registers and starts the service.
 * Elsewhere (or with --no-register) it only writes the files and prints the next steps.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseEnv } from 'dotenv';
import { ConfigError, DOMAINS, loadConfig, type Config } from '@mikrosync/core';
import { serviceId, winswServiceXml, type WinswServiceOptions } from '../service/winsw-config.js';

export interface ServiceOptions {
  domain?: string;
  producer?: boolean;
  dir?: string;
  node?: string;
  cli?: string;
  winsw?: string;
  register?: boolean;
}

/** The compiled CLI next to this module's build (apps/producer/dist/cli.js), also when run from source. */
const defaultCli = (): string => path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'dist', 'cli.js');

function roleOf(opts: ServiceOptions): WinswServiceOptions['role'] {
  if (opts.producer && opts.domain) fail('either --domain or --producer, not both');
  if (opts.producer) return 'producer';
  if (!opts.domain) fail(`--domain is required (${DOMAINS.join(', ')} or all), or --producer`);
  if (opts.domain !== 'all' && !(DOMAINS as readonly string[]).includes(opts.domain)) fail(`unknown domain "${opts.domain}"; expected one of ${DOMAINS.join(', ')} or all`);
  return { domain: opts.domain };
}

function fail(message: string): never {
  process.stderr.write(`mikrosync service: ${message}\n`);
  process.exit(2);
}

/** The service directory's own `.env`, validated: a service that cannot start is not installed. */
function serviceConfig(dir: string): Config {
  const envFile = path.join(dir, '.env');
  if (!existsSync(envFile)) fail(`no .env in ${dir}: copy .env.example there as .env and fill it in (or pass --dir)`);
  try {
    return loadConfig(parseEnv(readFileSync(envFile)));
  } catch (err) {
    if (err instanceof ConfigError) fail(`${envFile}: ${err.message}`);
    throw err;
  }
}

function checkEntegraFile(config: Config, required: boolean): void {
  const file = config.entegra.dbPath;
  if (!file && !required) return;
  if (!file) fail('ENTEGRA_DB_PATH is not set in .env: the entegra worker needs the path of db.s3db on this machine');
  // SQLite's locking is not reliable over SMB: the invoice_print write-back could corrupt the file.
  if (/^(\\\\|\/\/)/.test(file)) fail(`ENTEGRA_DB_PATH ${file} is a network path: run this worker on the machine that holds the file and use its local path (e.g. C:\\Ana Entegra\\db.s3db)`);
  if (!existsSync(file)) process.stderr.write(`warning: ENTEGRA_DB_PATH ${file} does not exist (yet); the entegra jobs fail until it does\n`);
}

function winsw(exe: string, command: string): void {
  const r = spawnSync(exe, [command], { stdio: 'inherit' });
  if (r.status !== 0) fail(`${path.basename(exe)} ${command} failed (exit ${r.status ?? r.signal}); run it from an administrator prompt`);
}

export function runServiceInstall(opts: ServiceOptions): void {
  const role = roleOf(opts);
  const dir = path.resolve(opts.dir ?? process.cwd());
  const config = serviceConfig(dir);
  if (role !== 'producer' && (role.domain === 'entegra' || role.domain === 'all')) checkEntegraFile(config, role.domain === 'entegra');
  const cliPath = path.resolve(opts.cli ?? defaultCli());
  if (!existsSync(cliPath)) fail(`the compiled CLI ${cliPath} does not exist: build first (npm run build) or pass --cli`);
  const id = serviceId(role);
  const xml = winswServiceXml({
    role,
    nodeExe: path.resolve(opts.node ?? process.execPath),
    cliPath,
    workDir: dir,
    logDir: path.join(dir, 'logs'),
    shutdownTimeoutMs: config.worker.shutdownTimeoutMs,
  });
  mkdirSync(path.join(dir, 'logs'), { recursive: true });
  const xmlPath = path.join(dir, `${id}.xml`);
  writeFileSync(xmlPath, xml);
  process.stdout.write(`wrote ${xmlPath}\n`);

  const exe = path.join(dir, `${id}.exe`);
  const source = opts.winsw ?? path.join(dir, 'WinSW-x64.exe');
  if (existsSync(source)) {
    if (path.resolve(source) !== exe) copyFileSync(source, exe);
  } else if (!existsSync(exe)) {
    process.stdout.write(`WinSW not found at ${source}: download WinSW-x64.exe (v2.12.0) there, or pass --winsw PATH\n`);
  }
  if (process.platform !== 'win32' || opts.register === false) {
    process.stdout.write(`not registered: on Windows, from an administrator prompt:\n  "${exe}" install\n  "${exe}" start\n`);
    return;
  }
  if (!existsSync(exe)) fail(`${exe} is missing: download WinSW-x64.exe into ${dir} and run this command again`);
  winsw(exe, 'install');
  winsw(exe, 'start');
  process.stdout.write(`service ${id} installed and started; logs in ${path.join(dir, 'logs')}; check: ${role === 'producer' ? 'the status page' : `mikrosync health --worker --domain ${role.domain}`}\n`);
}

export function runServiceUninstall(opts: ServiceOptions): void {
  const dir = path.resolve(opts.dir ?? process.cwd());
  const exe = path.join(dir, `${serviceId(roleOf(opts))}.exe`);
  if (process.platform !== 'win32') fail('uninstall runs on Windows only');
  if (!existsSync(exe)) fail(`${exe} not found: pass the --dir the service was installed from`);
  spawnSync(exe, ['stop'], { stdio: 'inherit' });
  winsw(exe, 'uninstall');
}
