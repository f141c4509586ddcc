// Keeps docker-compose.yml, the Dockerfile and .dockerignore consistent with the code, without Docker:
// - every service can start (image or build, dependencies defined and satisfiable, mounted files exist);
// - production by default, the development databases behind `profiles: [dev]`, and no production
//   service needs them;
// - connection settings come from `.env` only: no `environment:` entry overrides them;
// - Redis keeps jobs (noeviction, AOF) and has a password (its start script and healthcheck are run
//   here against a real redis-server);
// - every service's log is rotated; every long-running service has a healthcheck, workers `health --worker`;
// - one scalable worker service per domain except Entegra (native, next to db.s3db), and every app
//   service runs a real CLI command;
// - deploy/dev.env passes the application's own configuration validation for the dev stack;
// - the image's entrypoint is the compiled CLI, and what the Dockerfile needs is in the build context;
// - `npm run <script>` in README.md and the Dockerfile name scripts that exist.
// Runs in the integration project only because that is where tests/ lives; it needs no database.
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse as parseEnv } from 'dotenv';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import ts from 'typescript';
import { DOMAINS, loadConfig } from '@mikrosync/core';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const repoPath = (rel: string): string => path.join(ROOT, rel);
const read = (rel: string): string => readFileSync(repoPath(rel), 'utf8');

type EnvValue = string | number | boolean | null;
interface Service {
  image?: string;
  build?: string | { context?: string; dockerfile?: string };
  command?: string | string[];
  entrypoint?: string | string[];
  container_name?: string;
  restart?: string;
  stop_grace_period?: string;
  depends_on?: string[] | Record<string, { condition?: string; required?: boolean }>;
  profiles?: string[];
  logging?: { driver?: string; options?: Record<string, string> };
  ports?: string[];
  volumes?: (string | { type?: string; source?: string })[];
  env_file?: string | (string | { path: string; required?: boolean })[];
  environment?: Record<string, EnvValue> | string[];
  healthcheck?: { test?: string | string[]; disable?: boolean; start_period?: string };
}
interface ComposeFile {
  services: Record<string, Service>;
  [key: string]: unknown;
}

// Compose honours YAML merge keys (`<<: *anchor`); the yaml package only with `merge: true`.
const compose = parse(read('docker-compose.yml'), { merge: true }) as ComposeFile;
const services = compose.services;
const serviceNames = Object.keys(services);

// ---------------------------------------------------------------------------------------------
// Helpers

/** Words of a command in exec (list) or shell (string) form. */
function words(cmd: string | string[] | undefined): string[] {
  if (cmd === undefined) return [];
  return Array.isArray(cmd) ? cmd.map(String) : cmd.trim().split(/\s+/);
}

function dependsOn(svc: Service): Record<string, string> {
  const d = svc.depends_on;
  if (!d) return {};
  if (Array.isArray(d)) return Object.fromEntries(d.map((name) => [name, 'service_started']));
  return Object.fromEntries(Object.entries(d).map(([name, v]) => [name, v?.condition ?? 'service_started']));
}

/** Dependencies Compose insists on (`required: false` ones are dropped when their service is not enabled). */
function requiredDependencies(svc: Service): string[] {
  const d = svc.depends_on;
  if (!d) return [];
  if (Array.isArray(d)) return d;
  return Object.entries(d).filter(([, v]) => v?.required !== false).map(([name]) => name);
}

function environment(svc: Service): Record<string, string> {
  const e = svc.environment;
  if (!e) return {};
  if (Array.isArray(e)) {
    return Object.fromEntries(
      e.map((line) => {
        const i = line.indexOf('=');
        return i < 0 ? [line, ''] : [line.slice(0, i), line.slice(i + 1)];
      }),
    );
  }
  return Object.fromEntries(Object.entries(e).map(([k, v]) => [k, v === null ? '' : String(v)]));
}

/**
 * Compose variable interpolation: $$, $VAR, ${VAR}, ${VAR:-default}, ${VAR-default},
 * ${VAR:?error}, ${VAR?error}, ${VAR:+alt}, ${VAR+alt}. Throws like Compose on a missing required one.
 */
function interpolate(value: string, vars: Record<string, string | undefined>): string {
  return value.replace(
    /\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?+])([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g,
    (whole, braced: string | undefined, op: string | undefined, arg: string | undefined, bare: string | undefined) => {
      if (whole === '$$') return '$';
      const name = (braced ?? bare) as string;
      const v = vars[name];
      const set = v !== undefined;
      const nonEmpty = set && v !== '';
      switch (op) {
        case undefined:
          return v ?? '';
        case ':-':
          return nonEmpty ? v : (arg ?? '');
        case '-':
          return set ? v : (arg ?? '');
        case ':?':
        case '?':
          if (op === ':?' ? nonEmpty : set) return v as string;
          throw new Error(`required variable ${name} is missing a value: ${arg ?? ''}`);
        case ':+':
          return nonEmpty ? (arg ?? '') : '';
        case '+':
          return set ? (arg ?? '') : '';
        default:
          throw new Error(`unsupported interpolation ${whole}`);
      }
    },
  );
}

function resolvedEnv(svc: Service, vars: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(Object.entries(environment(svc)).map(([k, v]) => [k, interpolate(v, vars)]));
}

/** Compose durations: 30s, 1m30s, 500ms, 1h. */
function durationMs(value: string): number {
  const units: Record<string, number> = { us: 0.001, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
  const parts = [...value.matchAll(/(\d+(?:\.\d+)?)(us|ms|s|m|h)/g)];
  expect(parts.map((p) => p[0]).join(''), `duration "${value}"`).toBe(value);
  return parts.reduce((sum, p) => sum + Number(p[1]) * (units[p[2] as string] as number), 0);
}

/**
 * The CLI's commands, read from apps/producer/src/cli.ts as text: top-level command names, each
 * with its subcommand names (`const dlq = program.command('dlq'); dlq.command('list')`).
 */
function cliCommands(): Map<string, Set<string>> {
  const src = read('apps/producer/src/cli.ts');
  const root = /(?:const|let|var)\s+(\w+)\s*=\s*new\s+Command\(/.exec(src)?.[1];
  expect(root, 'cli.ts: `const program = new Command(...)` not found').toBeDefined();
  const commands = new Map<string, Set<string>>();
  const calls = [...src.matchAll(/(\w+)\s*\.command\(\s*['"`]([\w-]+)/g)].map((m) => ({ receiver: m[1], name: m[2] as string }));
  for (const c of calls) if (c.receiver === root) commands.set(c.name, new Set());
  // Variables holding a top-level command, e.g. `const dlq = program.command('dlq')`.
  const parents = new Map<string, string>();
  for (const m of src.matchAll(/(?:const|let|var)\s+(\w+)\s*=\s*(\w+)\s*\.command\(\s*['"`]([\w-]+)/g)) {
    if (m[2] === root) parents.set(m[1] as string, m[3] as string);
  }
  for (const c of calls) {
    const parent = c.receiver ? parents.get(c.receiver) : undefined;
    if (parent) commands.get(parent)?.add(c.name);
  }
  return commands;
}

/** Complains unless `args` is a CLI invocation that exists; also checks --domain values. */
function checkCliInvocation(label: string, args: string[]): void {
  const commands = cliCommands();
  const [first, second] = args;
  expect(first, `${label}: no command`).toBeDefined();
  expect([...commands.keys()], `${label}: "${first}" is not a mikrosync command`).toContain(first);
  const subs = commands.get(first as string) as Set<string>;
  if (subs.size) expect([...subs], `${label}: "${first} ${second ?? ''}" is not a mikrosync command`).toContain(second);
  args.forEach((arg, i) => {
    let value: string | undefined;
    if (arg === '--domain' || arg === '-d') value = args[i + 1];
    else if (arg.startsWith('--domain=')) value = arg.slice('--domain='.length);
    if (value === undefined) return;
    for (const d of value.split(',')) expect([...DOMAINS, 'all'], `${label}: unknown domain "${d}"`).toContain(d.trim());
  });
}

/** Docker instructions (continuation lines joined), lower-case keyword + raw arguments. */
function dockerfileInstructions(): { keyword: string; args: string }[] {
  const lines = read('Dockerfile').replace(/\\\r?\n/g, ' ').split(/\r?\n/);
  return lines
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => {
      const m = /^(\w+)\s+(.*)$/.exec(l);
      return { keyword: (m?.[1] ?? l).toLowerCase(), args: m?.[2] ?? '' };
    });
}

function execForm(args: string): string[] {
  const parsed = JSON.parse(args) as unknown;
  expect(Array.isArray(parsed), `expected exec (JSON array) form, got ${args}`).toBe(true);
  return (parsed as unknown[]).map(String);
}

function readTsconfig(rel: string): { rootDir?: string; outDir?: string; references?: { path: string }[] } {
  const { config, error } = ts.readConfigFile(repoPath(rel), ts.sys.readFile);
  expect(error, `${rel} does not parse`).toBeUndefined();
  const c = config as { compilerOptions?: { rootDir?: string; outDir?: string }; references?: { path: string }[] };
  return { ...c.compilerOptions, references: c.references };
}

const scripts = (JSON.parse(read('package.json')) as { scripts?: Record<string, string> }).scripts ?? {};
const npmRunScripts = (text: string): string[] =>
  [...text.matchAll(/\bnpm\s+run(?:-script)?\s+(?:--?[\w-]+\s+)*([\w:.-]*[\w:-])/g)].map((m) => m[1] as string);

// Services built from our Dockerfile, or using the image such a service builds.
const ourImages = new Set(serviceNames.filter((n) => services[n]?.build).map((n) => services[n]?.image).filter(Boolean));
const appServices = serviceNames.filter((n) => services[n]?.build || ourImages.has(services[n]?.image));
const svc = (name: string): Service => services[name] as Service;

// The development .env (deploy/dev.env) with what an operator must add to it.
const DEV_ENV: Record<string, string> = { ...parseEnv(read('deploy/dev.env')), ADMIN_USER: 'admin', ADMIN_PASSWORD: 'compose-test-password' };
// Compose interpolates with `.env`; anything else falls back to the file's defaults.
const OPERATOR_VARS = DEV_ENV;
/** What an app container's process sees: `.env` (env_file), then `environment:` over it. */
const containerEnv = (s: Service): Record<string, string> => ({ ...DEV_ENV, ...resolvedEnv(s, OPERATOR_VARS) });
const DEV_SERVICES = ['postgres', 'mssql', 'mssql-init'];
// What `environment:` may set for our image: facts of the container, never a connection setting.
const CONTAINER_FACTS = new Set(['HTTP_HOST', 'HTTP_PORT', 'ADMIN_USER', 'ADMIN_PASSWORD', 'NODE_ENV']);

// ---------------------------------------------------------------------------------------------

describe('docker-compose.yml', () => {
  it('has services and no obsolete version key', () => {
    expect(serviceNames.length).toBeGreaterThan(0);
    expect(compose).not.toHaveProperty('version');
    expect(appServices.length, 'no service is built from the Dockerfile').toBeGreaterThan(0);
  });

  it('every service has an image or a build', () => {
    for (const name of serviceNames) {
      expect(svc(name).image !== undefined || svc(name).build !== undefined, `service ${name} has neither image nor build`).toBe(true);
    }
  });

  describe('redis, started as its service starts it (a real redis-server)', () => {
    const redis = svc('redis');
    const which = (bin: string) => spawnSync('sh', ['-c', `command -v ${bin}`], { encoding: 'utf8' }).stdout.trim();
    const redisServer = which('redis-server');
    const redisCli = which('redis-cli');
    const password = DEV_ENV.REDIS_PASSWORD ?? '';
    let dir: string;
    let shims: string;
    let port: number;
    /** The host file the entrypoint runs: the mounted start script. */
    const startScript = (): string => {
      const [shell, script] = words(redis.entrypoint);
      expect(shell).toBe('sh');
      const mount = (redis.volumes ?? []).map((v) => (typeof v === 'string' ? v.split(':') : [])).find((m) => m[1] === script);
      expect(mount, `${script} is not mounted`).toBeDefined();
      return repoPath(mount?.[0] as string);
    };
    const start = (env: Record<string, string>) => {
      // The image's entrypoint and the container's port become a shim and a free port here.
      const child = spawn('sh', [startScript(), '--port', String(port), '--dir', dir, '--bind', '127.0.0.1'], {
        env: { PATH: `${shims}:${process.env.PATH ?? ''}`, TMPDIR: dir, ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.stderr.on('data', (d: Buffer) => (out += d.toString()));
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      return { child, exited, output: () => out };
    };
    const cli = (args: string[], env: Record<string, string> = {}) => spawnSync(redisCli, ['-p', String(port), ...args], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '', ...env } });
    const healthcheck = (env: Record<string, string>) => {
      const [kind, command] = redis.healthcheck?.test as string[];
      expect(kind).toBe('CMD-SHELL');
      return spawnSync('sh', ['-c', interpolate(command as string, {})], { env: { PATH: `${shims}:${process.env.PATH ?? ''}`, ...env } }).status;
    };

    beforeAll(async () => {
      if (!redisServer) return;
      dir = mkdtempSync(path.join(tmpdir(), 'mikrosync-compose-redis-'));
      shims = path.join(dir, 'bin');
      spawnSync('mkdir', [shims]);
      port = await new Promise<number>((resolve) => {
        const probe = createServer().listen(0, '127.0.0.1', () => {
          const p = (probe.address() as { port: number }).port;
          probe.close(() => resolve(p));
        });
      });
      writeFileSync(path.join(shims, 'docker-entrypoint.sh'), '#!/bin/sh\nexec "$@"\n');
      writeFileSync(path.join(shims, 'redis-cli'), `#!/bin/sh\nexec ${redisCli} -p ${port} "$@"\n`);
      for (const f of ['docker-entrypoint.sh', 'redis-cli']) chmodSync(path.join(shims, f), 0o755);
    });
    afterAll(() => {
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    it.skipIf(!redisServer)('refuses to start without a usable password', async () => {
      for (const [value, reason] of [['', /REDIS_PASSWORD is required/], ['short-1', /at least 16 characters/], ['with space and more', /use only letters/]] as const) {
        const r = start({ REDIS_PASSWORD: value });
        expect(await r.exited, r.output()).toBe(2);
        expect(r.output()).toMatch(reason);
      }
    });

    it.skipIf(!redisServer)('requires the password, keeps jobs (noeviction, AOF), keeps the password off its command line; the healthcheck needs it too', async () => {
      const r = start({ REDIS_PASSWORD: password });
      try {
        const deadline = Date.now() + 15_000;
        while (!/NOAUTH/.test(cli(['ping']).stdout) && Date.now() < deadline) await new Promise((res) => setTimeout(res, 100));
        expect(cli(['ping']).stdout, r.output()).toMatch(/NOAUTH/);
        const auth = { REDISCLI_AUTH: password };
        expect(cli(['ping'], auth).stdout.trim()).toBe('PONG');
        expect(cli(['config', 'get', 'maxmemory-policy'], auth).stdout).toMatch(/noeviction/);
        expect(cli(['config', 'get', 'appendonly'], auth).stdout).toMatch(/yes/);
        const cmdline = readFileSync(`/proc/${r.child.pid}/cmdline`, 'utf8');
        expect(cmdline).toMatch(/redis-server/);
        expect(cmdline).not.toContain(password);
        expect(healthcheck({ REDIS_PASSWORD: password })).toBe(0);
        expect(healthcheck({ REDIS_PASSWORD: 'wrong-password-123456' })).not.toBe(0);
      } finally {
        r.child.kill('SIGTERM');
        await r.exited;
      }
    });
  });

  it('has one scalable worker service per domain, each consuming its own domain, and none for Entegra', () => {
    for (const domain of DOMAINS.filter((d) => d !== 'entegra')) {
      const name = `worker-${domain}`;
      expect(serviceNames, `missing service ${name}`).toContain(name);
      // A fixed container name makes `docker compose up --scale` fail.
      expect(svc(name).container_name, `${name} must not set container_name`).toBeUndefined();
      expect(words(svc(name).command), `${name} command`).toEqual(['worker', '--domain', domain]);
      expect(appServices, `${name} must run our image`).toContain(name);
    }
    const strays = serviceNames.filter((n) => n.startsWith('worker-') && !(DOMAINS as readonly string[]).includes(n.slice('worker-'.length)));
    expect(strays, 'worker services for domains that do not exist').toEqual([]);
    // The Entegra worker runs on the Windows machine that holds db.s3db: a container consuming the
    // entegra queue would take its jobs without the file (or with it over an unsafe share).
    for (const name of appServices) {
      const args = words(svc(name).command);
      const domain = args[args.indexOf('--domain') + 1];
      expect(args[0] === 'start' || (args[0] === 'worker' && (domain === 'all' || domain?.split(',').includes('entegra'))), `${name} consumes the entegra queue`).toBe(false);
    }
  });

  it('workers restart and get time to finish their jobs on stop', () => {
    // Missing worker services are reported by the test above.
    for (const name of DOMAINS.map((d) => `worker-${d}`).filter((n) => serviceNames.includes(n))) {
      const s = svc(name);
      expect(s.restart, `${name} restart`).toBe('unless-stopped');
      const config = loadConfig(containerEnv(s));
      // Docker's SIGKILL must not come before the app's own shutdown deadline.
      expect(durationMs(s.stop_grace_period ?? '10s'), `${name} stop_grace_period vs SHUTDOWN_TIMEOUT_MS`).toBeGreaterThan(
        config.worker.shutdownTimeoutMs,
      );
    }
  });

  it('every service built from our image runs a real CLI command', () => {
    expect(cliCommands().size, 'no .command(...) found in cli.ts').toBeGreaterThan(3);
    for (const name of appServices) {
      const s = svc(name);
      expect(s.entrypoint, `${name} must keep the image's entrypoint (the CLI)`).toBeUndefined();
      expect(s.command, `${name} has no command`).toBeDefined();
      checkCliInvocation(`service ${name}`, words(s.command));
      const workerDomain = environment(s).WORKER_DOMAIN;
      if (workerDomain) checkCliInvocation(`service ${name} WORKER_DOMAIN`, ['worker', '--domain', workerDomain]);
    }
  });

  it('every depends_on target is a service whose condition can be met', () => {
    for (const name of serviceNames) {
      for (const [target, condition] of Object.entries(dependsOn(svc(name)))) {
        expect(serviceNames, `${name} depends on undefined service ${target}`).toContain(target);
        const t = svc(target);
        if (condition === 'service_healthy') {
          expect(t.healthcheck?.test && !t.healthcheck.disable, `${name} waits for ${target} to be healthy, but it has no healthcheck`).toBeTruthy();
        } else if (condition === 'service_completed_successfully') {
          // A service Compose restarts never "completes".
          expect(['always', 'unless-stopped'], `${name} waits for ${target} to complete, but it restarts`).not.toContain(t.restart);
        } else {
          expect(condition, `${name} -> ${target}`).toBe('service_started');
        }
      }
    }
  });

  it('runs production by default; the development databases only with --profile dev, and nothing else needs them', () => {
    for (const name of serviceNames) {
      if (DEV_SERVICES.includes(name)) expect(svc(name).profiles, `${name} must be a development service`).toEqual(['dev']);
      else expect(svc(name).profiles, `${name} must run in production`).toBeUndefined();
    }
    const production = serviceNames.filter((n) => !svc(n).profiles);
    for (const name of production) {
      for (const target of requiredDependencies(svc(name))) {
        expect(production, `${name} requires ${target}, which a production \`up\` does not start (use required: false)`).toContain(target);
      }
    }
  });

  it('takes every connection setting from .env and overrides none', () => {
    const example = Object.keys(parseEnv(read('.env.example')));
    expect(example).toEqual(expect.arrayContaining(['WEB_DATABASE_URL', 'ERP_DIALECT', 'MSSQL_SERVER', 'MSSQL_PASSWORD', 'REDIS_URL', 'ENTEGRA_DB_PATH']));
    for (const name of appServices) {
      const s = svc(name);
      const files = (Array.isArray(s.env_file) ? s.env_file : [s.env_file]).map((f) => (typeof f === 'string' ? { path: f, required: true } : f));
      expect(files, `${name} must load .env, and require it`).toContainEqual({ path: '.env', required: true });
      const overridden = Object.keys(environment(s)).filter((k) => !CONTAINER_FACTS.has(k));
      expect(overridden, `${name} overrides settings of .env`).toEqual([]);
    }
  });

  it("rotates every service's log", () => {
    for (const name of serviceNames) {
      const logging = svc(name).logging;
      expect(logging?.driver, `${name} logging driver`).toBe('json-file');
      expect(logging?.options?.['max-size'], `${name} max-size`).toMatch(/^\d+[km]$/);
      expect(Number(logging?.options?.['max-file']), `${name} max-file`).toBeGreaterThan(1);
    }
  });

  it('has a healthcheck for every long-running service; a worker checks its own heartbeat', () => {
    for (const name of serviceNames.filter((n) => svc(n).restart === 'unless-stopped')) {
      const h = svc(name).healthcheck;
      expect(h?.test && !h.disable, `${name} has no healthcheck`).toBeTruthy();
      if (!name.startsWith('worker-')) continue;
      const [kind, ...args] = words(h?.test);
      expect(kind).toBe('CMD');
      // The image's entrypoint is not used by a healthcheck: it runs the compiled CLI itself.
      expect(args.slice(0, 2), `${name} healthcheck`).toEqual(['node', 'apps/producer/dist/cli.js']);
      checkCliInvocation(`${name} healthcheck`, args.slice(2));
      expect(args.slice(2), `${name} healthcheck`).toEqual(['health', '--worker']);
    }
  });

  it('Redis needs a password that REDIS_URL carries, and is published on loopback unless REDIS_BIND says otherwise', () => {
    const redis = svc('redis');
    expect(() => resolvedEnv(redis, {})).toThrow(/REDIS_PASSWORD/);
    const password = resolvedEnv(redis, DEV_ENV).REDIS_PASSWORD;
    expect(decodeURIComponent(new URL(DEV_ENV.REDIS_URL ?? '').password)).toBe(password);
    const [published] = (redis.ports ?? []).map((p) => interpolate(p, {}));
    expect(published).toBe('127.0.0.1:6379:6379');
    expect(interpolate(redis.ports?.[0] ?? '', { REDIS_BIND: '192.168.1.20' })).toBe('192.168.1.20:6379:6379');
  });

  it('every file mounted or built from the repository exists', () => {
    for (const name of serviceNames) {
      const s = svc(name);
      for (const v of s.volumes ?? []) {
        const source = typeof v === 'string' ? v.split(':')[0] : v.source;
        if (source?.startsWith('./') || source?.startsWith('../')) {
          expect(existsSync(repoPath(source)), `${name}: mounted ${source} does not exist`).toBe(true);
        }
      }
      if (s.build !== undefined) {
        const b = typeof s.build === 'string' ? { context: s.build } : s.build;
        const context = b.context ?? '.';
        expect(existsSync(repoPath(context)), `${name}: build context ${context}`).toBe(true);
        expect(existsSync(path.join(repoPath(context), b.dockerfile ?? 'Dockerfile')), `${name}: Dockerfile`).toBe(true);
      }
      const envFiles = s.env_file === undefined ? [] : Array.isArray(s.env_file) ? s.env_file : [s.env_file];
      for (const f of envFiles) {
        const file = typeof f === 'string' ? { path: f, required: true } : f;
        // `.env` is the operator's own file (not in the repository); .env.example is its template.
      if (file.path === '.env') expect(existsSync(repoPath('.env.example')), `${name}: .env.example`).toBe(true);
      else if (file.required !== false) expect(existsSync(repoPath(file.path)), `${name}: env_file ${file.path}`).toBe(true);
      }
    }
  });

  it('deploy/dev.env is a valid configuration for every app service of the dev stack', () => {
    for (const name of appServices) {
      const config = loadConfig(containerEnv(svc(name)));
      // Host names must be services of this file.
      expect(serviceNames, `${name}: WEB_DATABASE_URL host`).toContain(new URL(config.web.url).hostname);
      expect(serviceNames, `${name}: REDIS_URL host`).toContain(new URL(config.redis.url).hostname);
      if (config.erp.dialect === 'mssql') expect(serviceNames, `${name}: MSSQL_SERVER`).toContain(config.erp.mssql.server);
    }
  });

  it('with deploy/dev.env, app services use the passwords the database services are started with', () => {
    const mssql = resolvedEnv(svc('mssql'), DEV_ENV);
    const postgres = resolvedEnv(svc('postgres'), DEV_ENV);
    for (const name of appServices) {
      const env = containerEnv(svc(name));
      expect(env.MSSQL_USER, `${name}: MSSQL_USER`).toBe('sa');
      expect(env.MSSQL_PASSWORD, `${name}: MSSQL_PASSWORD`).toBe(mssql.MSSQL_SA_PASSWORD);
      expect(decodeURIComponent(new URL(env.WEB_DATABASE_URL ?? '').password), `${name}: WEB_DATABASE_URL password`).toBe(
        postgres.POSTGRES_PASSWORD,
      );
    }
  });

  it('the producer listens beyond loopback and ships no default admin password', () => {
    const producer = svc('producer');
    expect(resolvedEnv(producer, OPERATOR_VARS).HTTP_HOST).toBe('0.0.0.0');
    // Without ADMIN_* set by the operator, Compose must refuse to start rather than use a default.
    expect(() => resolvedEnv(producer, { ADMIN_USER: 'admin' })).toThrow(/ADMIN_PASSWORD/);
    expect(() => resolvedEnv(producer, { ADMIN_PASSWORD: 'compose-test-password' })).toThrow(/ADMIN_USER/);
    expect(parseEnv(read('deploy/dev.env')).ADMIN_PASSWORD ?? '', 'deploy/dev.env ships an admin password').toBe('');
  });
});

describe('Dockerfile', () => {
  const instructions = dockerfileInstructions();
  const last = (keyword: string) => [...instructions].reverse().find((i) => i.keyword === keyword);

  it('ENTRYPOINT runs the compiled CLI, whose source exists and is part of the build', () => {
    const entrypoint = last('entrypoint');
    expect(entrypoint, 'no ENTRYPOINT').toBeDefined();
    const [bin, script] = execForm(entrypoint?.args ?? '[]');
    expect(bin).toBe('node');
    expect(script).toBe('apps/producer/dist/cli.js');

    // Map the output file back to its source through the workspace's tsconfig (outDir -> rootDir).
    const workspaces = (JSON.parse(read('package.json')) as { workspaces: string[] }).workspaces;
    const ws = workspaces.find((w) => (script as string).startsWith(`${w}/`));
    expect(ws, `${script} is not inside a workspace`).toBeDefined();
    const tsconfig = readTsconfig(`${ws}/tsconfig.json`);
    const outDir = path.join(ws as string, tsconfig.outDir ?? '.');
    const rootDir = path.join(ws as string, tsconfig.rootDir ?? '.');
    expect((script as string).startsWith(`${outDir}/`), `${script} is not under ${outDir}`).toBe(true);
    const source = path.join(rootDir, path.relative(outDir, script as string)).replace(/\.js$/, '.ts');
    expect(source).toBe('apps/producer/src/cli.ts');
    expect(existsSync(repoPath(source)), `${source} does not exist`).toBe(true);
    // `npm run build` is `tsc -b` over the root tsconfig's references.
    const refs = (readTsconfig('tsconfig.json').references ?? []).map((r) => path.normalize(r.path));
    expect(refs, `${ws} is not built by tsc -b`).toContain(path.normalize(ws as string));
  });

  it('the default CMD is a CLI command', () => {
    const cmd = last('cmd');
    expect(cmd, 'no CMD').toBeDefined();
    checkCliInvocation('Dockerfile CMD', execForm(cmd?.args ?? '[]'));
  });

  it('runs as a non-root user and ships db/ (migrations are read at runtime)', () => {
    const user = last('user')?.args.trim();
    expect(user, 'no USER').toBeDefined();
    expect(['root', '0', '0:0']).not.toContain(user);
    expect(instructions.some((i) => i.keyword === 'copy' && /(^|\s)db\/?(\s|$)/.test(i.args)), 'db/ is not copied').toBe(true);
  });

  it('npm scripts it runs exist', () => {
    for (const i of instructions.filter((x) => x.keyword === 'run')) {
      for (const s of npmRunScripts(i.args)) expect(Object.keys(scripts), `Dockerfile runs npm run ${s}`).toContain(s);
    }
  });

  it('.dockerignore keeps secrets and host builds out, and what COPY needs in', () => {
    const ignore = read('.dockerignore')
      .split(/\r?\n/)
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith('#'));
    expect(ignore).toContain('.env');
    expect(ignore.some((l) => /node_modules/.test(l)), 'node_modules is not ignored').toBe(true);
    const sources = instructions
      .filter((i) => i.keyword === 'copy' && !/--from=/.test(i.args))
      .flatMap((i) => i.args.split(/\s+/).filter((a) => !a.startsWith('--')).slice(0, -1));
    expect(sources.length).toBeGreaterThan(0);
    for (const src of sources) {
      const top = src.replace(/^\.\//, '').split('/')[0] as string;
      expect(existsSync(repoPath(src)), `COPY source ${src} does not exist`).toBe(true);
      expect(ignore, `COPY ${src} but .dockerignore excludes ${top}`).not.toContain(top);
    }
  });
});

describe('README.md', () => {
  const readme = existsSync(repoPath('README.md')) ? read('README.md') : undefined;
  it.skipIf(readme === undefined)('every `npm run <script>` it mentions exists in package.json', () => {
    for (const s of npmRunScripts(readme ?? '')) expect(Object.keys(scripts), `README.md mentions npm run ${s}`).toContain(s);
  });
});
