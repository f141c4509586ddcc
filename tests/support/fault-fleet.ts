/**
 * Real mikrosync processes for fault runs, each in a slot that can be SIGKILLed and respawned the
 * way a container runtime restarts a container; and the faults themselves: a storm of kills, a
 * database cluster stopped for a while.
 */
import { startCli, type CliProcess } from './processes.js';
import type { PgCluster } from './pg-cluster.js';

interface Slot {
  args: string[];
  proc: CliProcess;
  startedAt: number;
}

export class ProcessFleet {
  private readonly slots: Slot[] = [];
  /** Output of processes that were killed, last lines only, for diagnostics. */
  private readonly history: string[] = [];

  constructor(private readonly env: Record<string, string>) {}

  /** Starts a process in a new slot; returns the slot number. */
  add(args: string[]): number {
    this.slots.push({ args, proc: startCli(args, this.env), startedAt: Date.now() });
    return this.slots.length - 1;
  }

  /** SIGKILLs the process of a slot and starts its replacement at once (restart policy "always"). */
  async kill(slot: number): Promise<void> {
    const s = this.slots[slot]!;
    s.proc.child.kill('SIGKILL');
    await s.proc.exited;
    this.history.push(s.proc.output().slice(-2000));
    if (this.history.length > 20) this.history.shift();
    s.proc = startCli(s.args, this.env);
    s.startedAt = Date.now();
  }

  /** Milliseconds since the process of a slot was (re)started. */
  age(slot: number): number {
    return Date.now() - this.slots[slot]!.startedAt;
  }

  /** Output of the running processes and of the last killed ones. */
  output(): string {
    return [...this.history, ...this.slots.map((s) => `--- ${s.args.join(' ')}\n${s.proc.output()}`)].join('\n');
  }

  async stop(): Promise<void> {
    await Promise.all(this.slots.splice(0).map((s) => s.proc.stop('SIGKILL')));
  }
}

/**
 * SIGKILLs a random process of `slots` every `minGapMs`..`maxGapMs`, `kills` times in all, then
 * resolves with the number of kills. Only processes up for `minAgeMs` or more are chosen: one
 * killed while still loading its modules has taken no job yet, so the kill would test nothing.
 */
export async function killStorm(fleet: ProcessFleet, slots: number[], o: { kills: number; minGapMs: number; maxGapMs: number; minAgeMs: number }): Promise<number> {
  let kills = 0;
  while (kills < o.kills) {
    await new Promise((r) => setTimeout(r, o.minGapMs + Math.random() * (o.maxGapMs - o.minGapMs)));
    const ready = slots.filter((s) => fleet.age(s) >= o.minAgeMs);
    if (ready.length === 0) continue;
    await fleet.kill(ready[Math.floor(Math.random() * ready.length)]!);
    kills++;
  }
  return kills;
}

export interface OutageTimes {
  stoppedAt: number;
  /** The moment the restarted cluster accepted its first connection. */
  backAt: number;
}

/**
 * Stops the cluster for `ms`, calling `during` every `everyMs` while it is down (to watch the
 * fleet); then starts it again.
 */
export async function clusterOutage(cluster: PgCluster, ms: number, during: () => Promise<void>, everyMs = 2000): Promise<OutageTimes> {
  await cluster.stop();
  const stoppedAt = Date.now();
  while (Date.now() - stoppedAt < ms) {
    await during().catch(() => undefined);
    await new Promise((r) => setTimeout(r, Math.max(0, Math.min(everyMs, ms - (Date.now() - stoppedAt)))));
  }
  const backAt = await cluster.start();
  return { stoppedAt, backAt };
}
