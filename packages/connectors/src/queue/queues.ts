/**
 * BullMQ queues by name, the dead-letter queue and its operations (list, show, requeue, purge).
 */
import { Queue, type Job, type JobsOptions } from 'bullmq';
import type { Redis } from 'ioredis';
import { DEAD_LETTER_QUEUE, type DeadLetter } from '@mikrosync/core';

export interface QueueSettings {
  prefix: string;
  attempts: number;
  backoffMs: number;
}

export class QueueRegistry {
  private readonly queues = new Map<string, Queue>();

  constructor(
    readonly connection: Redis,
    readonly settings: QueueSettings,
  ) {}

  get(name: string): Queue {
    let q = this.queues.get(name);
    if (!q) {
      q = new Queue(name, { connection: this.connection, prefix: this.settings.prefix, defaultJobOptions: this.defaultJobOptions() });
      q.on('error', () => {
        /* connection errors are retried by ioredis; health checks report them */
      });
      this.queues.set(name, q);
    }
    return q;
  }

  /** Retries with exponential backoff and jitter; completed jobs leave so a record's id is free again. */
  defaultJobOptions(): JobsOptions {
    return {
      attempts: this.settings.attempts,
      backoff: { type: 'exponential', delay: this.settings.backoffMs, jitter: 0.5 },
      removeOnComplete: { count: 1000 },
      removeOnFail: { count: 5000 },
    };
  }

  async close(): Promise<void> {
    await Promise.all([...this.queues.values()].map((q) => q.close()));
    this.queues.clear();
  }
}

export interface DeadLetterEntry extends DeadLetter {
  id: string;
}

function toEntry(job: Job): DeadLetterEntry {
  return { id: String(job.id), ...(job.data as DeadLetter) };
}

/** The dead letter of a record job: one per record (record job ids are derived from the record). */
export function deadLetterIdOf(queue: string, jobId: string): string {
  return `${queue}__${jobId}`;
}

export class DeadLetterQueue {
  constructor(private readonly registry: QueueRegistry) {}

  private get queue(): Queue {
    return this.registry.get(DEAD_LETTER_QUEUE);
  }

  /**
   * Stores a copy of a finally failed job. A record has at most one dead letter: its id is derived
   * from the record and a newer failure replaces the older one. Task failures keep one each.
   */
  async add(entry: DeadLetter): Promise<string> {
    const jobId = entry.record ? deadLetterIdOf(entry.queue, entry.jobId) : `${entry.queue}__${entry.jobId}__${Date.now()}`;
    if (entry.record) await (await this.queue.getJob(jobId))?.remove();
    const job = await this.queue.add('dead-letter', entry, {
      jobId,
      attempts: 1,
      removeOnComplete: false,
      removeOnFail: false,
    });
    return String(job.id);
  }

  /**
   * Removes the dead letter of a record job that has now completed by whatever path (fixed on the
   * web and captured again, re-enqueued from the page, the CLI or Bull Board). True if one was there.
   */
  async resolve(queue: string, jobId: string): Promise<boolean> {
    const job = await this.queue.getJob(deadLetterIdOf(queue, jobId));
    if (!job) return false;
    await job.remove();
    return true;
  }

  /** Dead letters are kept as waiting jobs that no worker consumes. */
  async list(start = 0, end = 99): Promise<DeadLetterEntry[]> {
    const jobs = await this.queue.getJobs(['waiting', 'paused', 'prioritized'], start, end, true);
    return jobs.filter((j): j is Job => Boolean(j)).map(toEntry);
  }

  async count(): Promise<number> {
    const c = await this.queue.getJobCounts('waiting', 'paused', 'prioritized');
    return (c.waiting ?? 0) + (c.paused ?? 0) + (c.prioritized ?? 0);
  }

  async show(id: string): Promise<DeadLetterEntry | undefined> {
    const job = await this.queue.getJob(id);
    return job ? toEntry(job) : undefined;
  }

  /**
   * Moves a dead letter back to its original queue with fresh attempts. The original job id is
   * reused so a requeue never runs twice in parallel with a new event of the same record.
   */
  async requeue(id: string): Promise<{ queue: string; jobId: string } | undefined> {
    const job = await this.queue.getJob(id);
    if (!job) return undefined;
    const entry = job.data as DeadLetter;
    const target = this.registry.get(entry.queue);
    const old = await target.getJob(entry.jobId);
    if (old && (await old.isFailed())) await old.remove();
    await target.add(entry.jobName, entry.data, { ...this.registry.defaultJobOptions(), jobId: entry.jobId });
    await job.remove();
    return { queue: entry.queue, jobId: entry.jobId };
  }

  async discard(id: string): Promise<boolean> {
    const job = await this.queue.getJob(id);
    if (!job) return false;
    await job.remove();
    return true;
  }

  async purge(): Promise<number> {
    const n = await this.count();
    await this.queue.drain(true);
    return n;
  }
}
