/**
 * Task comments (spec §2.7, §5.4). `task.commentitem.getlist` has no change field and returns
 * every comment of one task, so comments are read per task, and only for tasks whose comment
 * count or activity date moved since their comments were last read (the to-do list lives in
 * bitrix.tasks and survives restarts). Up to 50 tasks per `batch`; the complete list per task
 * also reveals edited and deleted comments. A task the webhook user cannot open (ERROR_CORE) is
 * logged and skipped for this cycle; the job does not fail for it.
 */
import { mapTaskComment, type BitrixMapContext } from '@mikrosync/mappers';
import { bitrixBatchCommand, bitrixSubCallError, BitrixMethodError, type BitrixCommentTask, type BitrixRowValues } from '@mikrosync/connectors/bitrix';
import type { TaskRun } from '../../jobs/types.js';
import type { BitrixRuntime } from './runtime.js';
import type { CycleReport } from './report.js';

const METHOD = 'task.commentitem.getlist';

export async function syncTaskComments(rt: BitrixRuntime, run: TaskRun, batchCalls: number, map: BitrixMapContext, report: CycleReport): Promise<void> {
  const skipped: number[] = [];
  let done = 0;
  try {
    for (;;) {
      if (run.signal.aborted) {
        report.stopped = true;
        return;
      }
      const tasks = await rt.store.tasksNeedingComments(batchCalls, skipped);
      if (!tasks.length) return;
      // Positional parameters: TASKID must come first (spec §1.2).
      const answer = await rt.client.batch(Object.fromEntries(tasks.map((t) => [`t${t.id}`, bitrixBatchCommand(METHOD, { TASKID: t.id })])), { signal: run.signal });
      const read: BitrixCommentTask[] = [];
      const rows: BitrixRowValues[] = [];
      for (const task of tasks) {
        const key = `t${task.id}`;
        const err = answer.errors[key];
        if (err) {
          const e = bitrixSubCallError(rt.client.portal, METHOD, err);
          // ERROR_CORE concerns this task (no access, bad id); anything else (scope, method) all of them.
          if (!(e instanceof BitrixMethodError) || e.code !== 'ERROR_CORE') throw e;
          skipped.push(task.id);
          report.log.warn({ entity: 'task_comments', taskId: task.id, code: e.code, reason: e.message }, `Bitrix24 comments of task ${task.id} not readable; skipped this cycle`);
          continue;
        }
        const list = answer.result[key];
        for (const rec of Array.isArray(list) ? (list as Record<string, unknown>[]) : []) {
          const mapped = mapTaskComment(rec, task.id, map);
          report.recordIssues('task_comments', mapped.id, mapped.issues);
          if (mapped.id !== null) rows.push(mapped.row as BitrixRowValues);
        }
        read.push(task);
      }
      const { changed, deleted } = await rt.store.applyTaskComments(read, rows);
      report.add('task_comments', changed, rows.length);
      report.deleted += deleted;
      done += read.length;
      await run.progress({ step: 'task_comments', done });
    }
  } catch (err) {
    report.entityFailed('task_comments', err, run.signal);
  } finally {
    if (skipped.length) report.failures.push({ entity: 'task_comments', message: `comments of ${skipped.length} task(s) not readable (ERROR_CORE): ${skipped.slice(0, 10).join(', ')}`, transient: false });
  }
}
