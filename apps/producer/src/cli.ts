#!/usr/bin/env node
/** The `mikrosync` command line. */
import { Command } from 'commander';
import { DOMAINS } from '@mikrosync/core';
import { runProducer, runStart, runSweep, runWorker } from './commands/run.js';
import { runMigrate, runSetupTriggers, runStatus, runTestConnection } from './commands/ops.js';
import { dlqCommands } from './commands/dlq.js';
import { runDevSetup } from './commands/dev.js';
import { runTask } from './commands/task.js';
import { runSetupErpCommand } from './commands/catalog.js';

const program = new Command('mikrosync').description('Queue-based sync between Mikro ERP, the web app, Entegra and Bitrix24');

program.command('migrate').description('migrate what mikrosync owns in the web database and create its tables in the ERP').action(runMigrate);
program.command('setup-triggers').description('attach the capture trigger to every captured web table').action(runSetupTriggers);
program
  .command('setup-erp')
  .description("create mikrosync's own tables in the ERP database")
  .option('--delete-triggers', 'also install our delete log and AFTER DELETE triggers on six Mikro tables (ask the DBA first)')
  .option('--remove-delete-triggers', 'remove those triggers again (deletions are then found by key reconciliation)')
  .action(runSetupErpCommand);
program.command('start').description('producer and every domain worker in one process (small shop, demo)').action(runStart);
program.command('producer').description('outbox relay, schedules, Bull Board, health and metrics').action(runProducer);
program
  .command('worker')
  .description('consume the queues of one or more domains')
  .option('-d, --domain <names>', `comma-separated: ${DOMAINS.join(', ')} or all (env WORKER_DOMAIN)`)
  .action((opts: { domain?: string }) => runWorker(opts.domain));
program
  .command('sweep')
  .description('enqueue every open outbox event now')
  .option('--wait', 'wait until every event is settled, with progress')
  .option('--timeout <seconds>', 'give up waiting after this many seconds', '300')
  .action(runSweep);
program.command('status').description('queue depths, workers, dead letters and outbox states').option('--json').action(runStatus);
program.command('test-connection').description('check the web database, the ERP and Redis').action(runTestConnection);
program
  .command('dev-setup')
  .description('development only: create local databases, web app tables and the Mikro stand-in')
  .option('--demo', 'load demo data')
  .option('--fresh', 'drop and recreate the databases first')
  .action(runDevSetup);

program
  .command('run')
  .description('run a task of a domain now, e.g. `run catalog sync --wait`')
  .argument('<domain>', DOMAINS.join(', '))
  .argument('[task]', 'task of the domain', 'sync')
  .option('--wait', 'wait for the result, with progress bars and a summary table')
  .option('--full', 'full run instead of incremental (where the task supports it)')
  .option('--arg <key=value...>', 'task arguments')
  .option('--timeout <seconds>', 'give up waiting after this many seconds', '3600')
  .action(runTask);

const dlq = program.command('dlq').description('the dead-letter queue');
dlq.command('list').option('--json').action(dlqCommands.list);
dlq.command('show').argument('<id>').action(dlqCommands.show);
dlq.command('requeue').argument('[ids...]').option('--all', 'every dead letter').action(dlqCommands.requeue);
dlq.command('discard').argument('<ids...>').action(dlqCommands.discard);
dlq.command('purge').option('--yes', 'confirm').action(dlqCommands.purge);

await program.parseAsync(process.argv);
