/** "Run now": adds a task job to a domain's queue; shared by the CLI and the HTTP surface. */
import { queueForDomain, taskJobId, type Domain, type TaskJob } from '@mikrosync/core';
import type { QueueRegistry } from '@mikrosync/connectors/queue';

export async function enqueueTask(queues: QueueRegistry, domain: Domain, task: string, args: Record<string, unknown>, requestedBy: string): Promise<string> {
  const data: TaskJob = { kind: 'task', task, args, requestedBy };
  const job = await queues.get(queueForDomain(domain)).add(`${domain}:${task}`, data, { jobId: taskJobId(domain, task) });
  return String(job.id);
}
