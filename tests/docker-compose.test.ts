// Keeps docker-compose.yml, the Dockerfile and .dockerignore consistent with the code, without Docker:
// - every service can start (image or build, dependencies defined and satisfiable, mounted files exist);
// - Redis keeps jobs (noeviction, AOF);
// - one scalable worker service per domain, and every app service runs a real CLI command;
// - the shared environment passes the application's own configuration validation;
// - the image's entrypoint is the compiled CLI, and what the Dockerfile needs is in the build context;
// - `npm run <script>` in README.md and the Dockerfile name scripts that exist.
// Runs in the integration project only because that is where tests/ lives; it needs no database.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import ts from 'typescript';
import { DOMAINS, loadConfig } from '@mikrosync/core';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
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
  depends_on?: string[] | Record<string, { condition?: string }>;
  volumes?: (string | { type?: string; source?: string })[];
  env_file?: string | (string | { path: string; required?: boolean })[];
  environment?: Record<string, EnvValue> | string[];
  healthcheck?: { test?: string | string[]; disable?: boolean };
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

// Variables an operator must put in .env; anything else falls back to the file's defaults.
const OPERATOR_VARS = { ADMIN_USER: 'admin', ADMIN_PASSWORD: 'compose-test-password' };

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

  it('redis keeps every job: noeviction and AOF', () => {
    const redis = svc('redis');
    const cmd = words(redis.command).join(' ');
    // BullMQ breaks when Redis evicts keys; without AOF a restart loses the queues.
    expect(cmd).toMatch(/--maxmemory-policy\s+noeviction\b/);
    expect(cmd).toMatch(/--appendonly\s+yes\b/);
  });

  it('has one scalable worker service per domain, each consuming its own domain', () => {
    for (const domain of DOMAINS) {
      const name = `worker-${domain}`;
      expect(serviceNames, `missing service ${name}`).toContain(name);
      // A fixed container name makes `docker compose up --scale` fail.
      expect(svc(name).container_name, `${name} must not set container_name`).toBeUndefined();
      expect(words(svc(name).command), `${name} command`).toEqual(['worker', '--domain', domain]);
      expect(appServices, `${name} must run our image`).toContain(name);
    }
    const strays = serviceNames.filter((n) => n.startsWith('worker-') && !(DOMAINS as readonly string[]).includes(n.slice('worker-'.length)));
    expect(strays, 'worker services for domains that do not exist').toEqual([]);
  });

  it('workers restart and get time to finish their jobs on stop', () => {
    // Missing worker services are reported by the test above.
    for (const name of DOMAINS.map((d) => `worker-${d}`).filter((n) => serviceNames.includes(n))) {
      const s = svc(name);
      expect(s.restart, `${name} restart`).toBe('unless-stopped');
      const config = loadConfig(resolvedEnv(s, OPERATOR_VARS));
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
        if (file.required !== false) expect(existsSync(repoPath(file.path)), `${name}: env_file ${file.path}`).toBe(true);
      }
    }
  });

  it('the shared environment is a valid configuration for every app service', () => {
    for (const name of appServices) {
      const env = resolvedEnv(svc(name), OPERATOR_VARS);
      const config = loadConfig(env);
      // Host names must be services of this file.
      expect(serviceNames, `${name}: WEB_DATABASE_URL host`).toContain(new URL(config.web.url).hostname);
      expect(serviceNames, `${name}: REDIS_URL host`).toContain(new URL(config.redis.url).hostname);
      if (config.erp.dialect === 'mssql') expect(serviceNames, `${name}: MSSQL_SERVER`).toContain(config.erp.mssql.server);
    }
  });

  it('app services use the passwords the database services are started with', () => {
    const mssql = resolvedEnv(svc('mssql'), {});
    const postgres = resolvedEnv(svc('postgres'), {});
    for (const name of appServices) {
      const env = resolvedEnv(svc(name), OPERATOR_VARS);
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
