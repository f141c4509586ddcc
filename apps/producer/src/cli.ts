#!/usr/bin/env node
/** The `mikrosync` command line. */
import { createRequire } from 'node:module';
import { Command } from 'commander';
import { DOMAINS } from '@mikrosync/core';

// src/cli.ts and dist/cli.js both sit one level below the package.
const { version } = createRequire(import.meta.url)('../package.json') as { version: string };

/**
 * Each command's module is imported when that command runs: a `worker` process does not load the
 * producer's HTTP server and Bull Board (about 13 MB of RSS it would carry for nothing).
 */
const MODULES = {
  run: () => import('./commands/run.js'),
  ops: () => import('./commands/ops.js'),
  dev: () => import('./commands/dev.js'),
  task: () => import('./commands/task.js'),
  catalog: () => import('./commands/catalog.js'),
  dlq: () => import('./commands/dlq.js'),
  health: () => import('./commands/health.js'),
  service: () => import('./commands/service.js'),
} as const;
function lazy<M extends keyof typeof MODULES, A extends unknown[]>(module: M, pick: (m: Awaited<ReturnType<(typeof MODULES)[M]>>) => (...args: A) => unknown) {
  return async (...args: A): Promise<void> => {
    await pick((await MODULES[module]()) as Awaited<ReturnType<(typeof MODULES)[M]>>)(...args);
  };
}

const program = new Command('mikrosync')
  .description('Queue-based sync between Mikro ERP, the web app, Entegra and Bitrix24')
  .version(version, '-V, --version')
  // Not `--env-file`: Node takes that flag for itself wherever it appears on the command line.
  .option('--env <path>', 'read the settings from this env file instead of .env (env MIKROSYNC_ENV_FILE)')
  .hook('preAction', (cmd) => {
    const envFile = cmd.opts<{ env?: string }>().env;
    if (envFile) process.env.MIKROSYNC_ENV_FILE = envFile;
  });

program.command('migrate').description('migrate what mikrosync owns in the web database and create its tables in the ERP').action(lazy('ops', (m) => m.runMigrate));
program.command('setup-triggers').description('attach the capture trigger to every captured web table').action(lazy('ops', (m) => m.runSetupTriggers));
program
  .command('setup-erp')
  .description("create mikrosync's own tables in the ERP database")
  .option('--delete-triggers', 'also install our delete log and AFTER DELETE triggers on six Mikro tables (ask the DBA first)')
  .option('--remove-delete-triggers', 'remove those triggers again (deletions are then found by key reconciliation)')
  .action(lazy('catalog', (m) => m.runSetupErpCommand));
program.command('start').description('producer and every domain worker in one process (small shop, demo)').action(lazy('run', (m) => m.runStart));
program.command('producer').description('outbox relay, schedules, Bull Board, health and metrics').action(lazy('run', (m) => m.runProducer));
program
  .command('worker')
  .description('consume the queues of one or more domains')
  .option('-d, --domain <names>', `comma-separated: ${DOMAINS.join(', ')} or all (env WORKER_DOMAIN)`)
  .action(lazy('run', (m) => (opts: { domain?: string }) => m.runWorker(opts.domain)));
program
  .command('sweep')
  .description('enqueue every open outbox event now')
  .option('--wait', 'wait until every event is settled, with progress')
  .option('--timeout <seconds>', 'give up waiting after this many seconds', '300')
  .action(lazy('run', (m) => m.runSweep));
program.command('status').description('queue depths, workers, dead letters and outbox states').option('--json').action(lazy('ops', (m) => m.runStatus));
program.command('health').description('live worker heartbeats; --worker: exit 1 unless a worker of this host is alive (container healthcheck)').option('--worker', 'only worker processes of this host').option('-d, --domain <name>', 'only workers of this domain').action(lazy('health', (m) => m.runHealth));
program.command('test-connection').description('check the web database, the ERP and Redis').action(lazy('ops', (m) => m.runTestConnection));
program
  .command('dev-setup')
  .description('development only: create local databases, web app tables and the Mikro stand-in')
  .option('--demo', 'load demo data')
  .option('--fresh', 'drop and recreate the databases first')
  .action(lazy('dev', (m) => m.runDevSetup));

program
  .command('run')
  .description('run a task of a domain now, e.g. `run catalog sync --wait`')
  .argument('<domain>', DOMAINS.join(', '))
  .argument('[task]', 'task of the domain', 'sync')
  .option('--wait', 'wait for the result, with progress bars and a summary table')
  .option('--full', 'full run instead of incremental (where the task supports it)')
  .option('--arg <key=value...>', 'task arguments')
  .option('--timeout <seconds>', 'give up waiting after this many seconds', '3600')
  .option('--keep-waiting', 'with --wait: keep waiting when no worker consumes the queue (default: stop after a few seconds, the job stays queued)')
  .action(lazy('task', (m) => m.runTask));

const service = program.command('service').description('a worker (or the producer) as a Windows service through WinSW, e.g. the entegra worker next to db.s3db');
for (const [name, what] of [
  ['install', 'check the .env of --dir, write the WinSW config and, on Windows, install and start the service'],
  ['uninstall', 'stop and remove the service'],
] as const) {
  service
    .command(name)
    .description(what)
    .option('-d, --domain <name>', `worker of: ${DOMAINS.join(', ')} or all`)
    .option('--producer', 'the producer instead of a worker')
    .option('--dir <path>', 'directory holding .env; the service runs there (default: current)')
    .option('--node <path>', 'node.exe (default: this node)')
    .option('--cli <path>', 'the compiled cli.js (default: this installation)')
    .option('--winsw <path>', 'WinSW-x64.exe to copy (default: <dir>\\WinSW-x64.exe)')
    .option('--no-register', 'only write the files')
    .action(lazy('service', (m) => (name === 'install' ? m.runServiceInstall : m.runServiceUninstall)));
}
const dlq = program.command('dlq').description('the dead-letter queue');
dlq.command('list').option('--json', 'the raw entries').option('--lang <lang>', 'tr (default) or en', 'tr').action(lazy('dlq', (m) => m.dlqCommands.list));
dlq.command('show').argument('<id>').action(lazy('dlq', (m) => m.dlqCommands.show));
dlq.command('requeue').argument('[ids...]').option('--all', 'every dead letter').action(lazy('dlq', (m) => m.dlqCommands.requeue));
dlq.command('discard').argument('<ids...>').action(lazy('dlq', (m) => m.dlqCommands.discard));
dlq.command('purge').option('--yes', 'confirm').action(lazy('dlq', (m) => m.dlqCommands.purge));

try {
  await program.parseAsync(process.argv);
} catch (err) {
  const { exitOnError } = await import('./runtime-config.js');
  exitOnError(err);
}
