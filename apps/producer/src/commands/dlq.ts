/** `mikrosync dlq list|show|requeue|discard|purge`. */
import { createWebPool } from '@mikrosync/connectors/web';
import { connectRedisForCommand, DeadLetterQueue, prefixHasKeys, QueueRegistry } from '@mikrosync/connectors/queue';
import { boot } from '../runtime-config.js';
import { formatClock, formatDate, langOf, t, type Config, type Lang, type Logger } from '@mikrosync/core';
import { cliOperator, discardDeadLetter, purgeDeadLetters, requeueDeadLetter } from '../dlq-actions.js';
import { emptyPrefixNote } from './ops.js';
import { deadLetterViews, type DeadLetterView } from '../console/status-view.js';
import { flowLabel } from '../console/views.js';

interface DlqSession {
  config: Config;
  queues: QueueRegistry;
  dlq: DeadLetterQueue;
  web: ReturnType<typeof createWebPool>;
  log: Logger;
  /** Prints the note when nothing of a fleet lives under the prefix (read-only commands). */
  noteIfEmpty(): Promise<void>;
}

/** `readOnly` (list, show): looking creates no Redis key. */
async function withDlq<T>(fn: (s: DlqSession) => Promise<T>, readOnly = false): Promise<T> {
  const { config, log } = boot('mikrosync-dlq');
  const redis = await connectRedisForCommand(config.redis);
  const queues = new QueueRegistry(redis, { prefix: config.redis.prefix, attempts: config.worker.attempts, backoffMs: config.worker.backoffMs, readOnly });
  const web = createWebPool(config.web, 'mikrosync-dlq');
  const noteIfEmpty = async () => {
    if (!(await prefixHasKeys(redis, config.redis.prefix))) process.stderr.write(`${emptyPrefixNote(config)}\n`);
  };
  try {
    return await fn({ config, queues, dlq: new DeadLetterQueue(queues), web, log, noteIfEmpty });
  } finally {
    await queues.close();
    redis.disconnect();
    await web.end();
  }
}

export const dlqCommands = {
  /** The operator's list: each record by its business identity, reason and fix in `--lang` (default Turkish). */
  list: (opts: { json?: boolean; lang?: string }) =>
    withDlq(async ({ config, queues, web, dlq, noteIfEmpty }) => {
      const entries = await dlq.list(0, 999);
      if (entries.length === 0) await noteIfEmpty();
      if (opts.json) return void process.stdout.write(`${JSON.stringify(entries, null, 2)}\n`);
      const lang = langOf(opts.lang);
      if (entries.length === 0) return void process.stdout.write(`${t(lang, 'cli.dlq.empty')}\n`);
      const views = await deadLetterViews({ config, web, queues }, entries, lang);
      const permanent = new Set(entries.filter((e) => e.permanent).map((e) => e.id));
      for (const v of views) process.stdout.write(describeDeadLetter(v, permanent.has(v.id), lang, config.erp.timeZone));
      process.stdout.write(`\n${t(lang, 'cli.dlq.hint')}\n`);
    }, true),
  show: (id: string) =>
    withDlq(async ({ dlq }) => {
      const e = await dlq.show(id);
      if (!e) {
        process.stderr.write(`no dead letter ${id}\n`);
        process.exitCode = 1;
        return;
      }
      process.stdout.write(`${JSON.stringify(e, null, 2)}\n`);
    }, true),
  requeue: (ids: string[], opts: { all?: boolean }) =>
    withDlq(async ({ dlq, web, log }) => {
      const targets = opts.all ? (await dlq.list(0, 9999)).map((e) => e.id) : ids;
      if (targets.length === 0) process.stderr.write('nothing to requeue: give dead-letter ids or --all\n');
      for (const id of targets) {
        const moved = await requeueDeadLetter(dlq, web, log, id, cliOperator());
        if (moved) process.stdout.write(`requeued ${id} -> ${moved}\n`);
        else {
          process.stderr.write(`no dead letter ${id}\n`);
          process.exitCode = 1;
        }
      }
    }),
  discard: (ids: string[]) =>
    withDlq(async ({ dlq, web, log }) => {
      for (const id of ids) {
        const done = await discardDeadLetter(dlq, web, log, id, cliOperator());
        process.stdout.write(`${done ? 'discarded' : 'not found'} ${id}\n`);
        if (!done) process.exitCode = 1;
      }
    }),
  purge: (opts: { yes?: boolean }) =>
    withDlq(async ({ dlq, web, log }) => {
      if (!opts.yes) {
        process.stderr.write('purge deletes every dead letter; run again with --yes\n');
        process.exitCode = 1;
        return;
      }
      process.stdout.write(`purged ${await purgeDeadLetters(dlq, web, log, cliOperator())} dead letter(s)\n`);
    }),
};

/** One dead letter as `dlq list` prints it: the flow and record as the operator knows them, when, why, what to do, and its id for the other dlq commands. */
export function describeDeadLetter(v: DeadLetterView, permanent: boolean, lang: Lang, timeZone: string): string {
  const at = `${formatDate(v.failedAt, lang, timeZone)} ${formatClock(v.failedAt, timeZone)}`;
  const failed = t(lang, 'cli.dlq.failed', { at, attempts: v.attempts }) + (permanent ? `, ${t(lang, 'cli.dlq.permanent')}` : '');
  return [
    [flowLabel(v.flow, lang), v.record?.label ?? v.jobId].join(' · '),
    `  ${failed}`,
    `  ${t(lang, 'cli.dlq.reason', { reason: v.reason })}`,
    `  ${t(lang, 'cli.dlq.fix', { fix: v.fix })}`,
    // Last: what `requeue`, `discard` and `show` take.
    `  id: ${v.id}`,
    '',
  ].join('\n');
}
