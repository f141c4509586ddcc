/**
 * Watches the fleet and sends alerts: jobs reaching the dead-letter queue (grouped: at most one
 * message per flow per ALERT_GROUP_MINUTES), flows stale past their threshold, queues with waiting
 * jobs and no worker, Redis or a database unreachable — and the all-clear when each recovers.
 * Only one producer of the fleet evaluates at a time (a lease in Redis). What an alert says is in
 * texts.ts; here only when to send it, and the facts a dead-letter alert names.
 */
import type { Config, Domain, Logger } from '@mikrosync/core';
import type { ErpClient } from '@mikrosync/connectors/erp';
import type { WebPool } from '@mikrosync/connectors/web';
import { clearOutage, DOMAIN_DEPENDENCIES, markOutage, type DeadLetterEntry, type Dependency, type QueueRegistry } from '@mikrosync/connectors/queue';
import type { StatusService } from '../status/status-service.js';
import type { AlertChannel } from './channels.js';
import { alertIn, alertText, type AlertEvent } from './texts.js';
import { deadLetterItems } from '../console/status-view.js';

/** How many dead letters of a group an alert names; the rest are counted. */
const DEAD_LETTERS_NAMED = 3;

/** After an outage, how long a flow may take to drain its backlog before it counts as stale again. */
const OUTAGE_DRAIN_GRACE_MS = 60_000;

interface DeadGroup {
  firstSeenAt: number;
  ids: Set<string>;
  named: DeadLetterEntry[];
}

export class AlertMonitor {
  private timer: NodeJS.Timeout | undefined;
  private readonly seenDead = new Set<string>();
  private readonly groups = new Map<string, DeadGroup>();
  private readonly lastDeadMessage = new Map<string, number>();
  private readonly open = new Set<string>();
  /** When this producer first saw each dependency down (ping or a worker's breaker). */
  private readonly downSince = new Map<string, number>();
  /** When each dependency last answered again after an outage. */
  private readonly recoveredAt = new Map<string, number>();
  private primed = false;
  private readonly leaseKey: string;
  private readonly me = `${process.pid}-${Math.random().toString(36).slice(2)}`;

  constructor(
    private readonly config: Config,
    private readonly log: Logger,
    private readonly status: StatusService,
    private readonly deps: { queues: QueueRegistry; web: WebPool; erp: ErpClient },
    private readonly channels: AlertChannel[],
    /** How long new dead letters of a flow are gathered before the first message. */
    private readonly gatherMs = Math.min(30_000, config.ops.alertCheckIntervalMs * 2),
  ) {
    this.leaseKey = `${config.redis.prefix}:alerts:leader`;
  }

  start(): void {
    const tick = () => {
      this.check()
        .catch((err) => this.log.warn({ err }, 'alert check failed'))
        .finally(() => {
          this.timer = setTimeout(tick, this.config.ops.alertCheckIntervalMs);
        });
    };
    this.timer = setTimeout(tick, 0);
  }

  stop(): void {
    clearTimeout(this.timer);
  }

  private async isLeader(): Promise<boolean> {
    const redis = this.deps.queues.connection;
    const ttl = this.config.ops.alertCheckIntervalMs * 3;
    const got = await redis.set(this.leaseKey, this.me, 'PX', ttl, 'NX');
    if (got === 'OK') return true;
    if ((await redis.get(this.leaseKey)) === this.me) {
      await redis.pexpire(this.leaseKey, ttl);
      return true;
    }
    return false;
  }

  private async send(event: AlertEvent): Promise<void> {
    const tz = this.config.erp.timeZone;
    const m = alertText(event, this.config.ops.alertLang, tz);
    // Logs stay English whatever language the alerts speak.
    const subject = alertIn(event, 'en', tz).subject;
    for (const c of this.channels) {
      try {
        await c.send(m);
      } catch (err) {
        this.log.warn({ err, channel: c.name, subject }, 'alert could not be sent');
      }
    }
    this.log.info({ subject, channels: this.channels.map((c) => c.name) }, 'alert sent');
  }

  /** Opens or closes a condition; a change sends one message (when there is one for it). */
  private async condition(key: string, active: boolean, opened: AlertEvent | undefined, cleared: AlertEvent | undefined): Promise<void> {
    if (active && !this.open.has(key)) {
      this.open.add(key);
      if (opened) await this.send(opened);
    } else if (!active && this.open.has(key)) {
      this.open.delete(key);
      if (cleared) await this.send(cleared);
    }
  }

  private async reachable(fn: () => Promise<unknown>): Promise<boolean> {
    try {
      await Promise.race([fn(), new Promise((_, reject) => setTimeout(() => reject(new Error('timeout')), 5000))]);
      return true;
    } catch {
      return false;
    }
  }

  async check(now = Date.now()): Promise<void> {
    const redisUp = await this.reachable(() => this.deps.queues.connection.ping());
    const webUp = await this.reachable(() => this.deps.web.query('SELECT 1'));
    const erpUp = await this.reachable(() => this.deps.erp.ping());
    if (redisUp) {
      // What this producer sees goes next to what the workers see, for the status page.
      const prefix = this.config.redis.prefix;
      const redis = this.deps.queues.connection;
      const ttl = Math.max(30_000, this.config.ops.alertCheckIntervalMs * 3);
      for (const [dep, up] of [['web', webUp], ['erp', erpUp]] as const) {
        if (up) await clearOutage(redis, prefix, dep, 'producer').catch(() => undefined);
        else await markOutage(redis, prefix, dep, now, `${dep === 'web' ? 'web database' : 'ERP database'} does not answer the producer`, ttl, 'producer').catch(() => undefined);
      }
    }
    // Workers that wait for a dependency say so in Redis: one alert when an outage outlasts the
    // grace, one when it is over; the documents queued meanwhile are waiting, not failed.
    const outages = redisUp ? await this.status.outages().catch(() => []) : [];
    for (const [dep, up] of [['web', webUp], ['erp', erpUp]] as const) {
      const outage = outages.find((o) => o.dependency === dep);
      const down = !up || Boolean(outage);
      if (!down && this.downSince.delete(dep)) this.recoveredAt.set(dep, now);
      else if (!this.downSince.has(dep)) this.downSince.set(dep, outage ? Math.min(now, Date.parse(outage.since)) : now);
      const since = this.downSince.get(dep) ?? now;
      const announced = down && now - since >= this.config.ops.outageAlertGraceMs;
      // Only a change of state sends anything: hold the condition while within the grace.
      if (down && !announced) continue;
      await this.condition(
        `down:${dep}`,
        announced,
        { kind: 'down', dependency: dep, since: new Date(since).toISOString(), queued: outage?.queued ?? 0 },
        { kind: 'up', dependency: dep },
      );
    }
    if (!redisUp) {
      // Without Redis there is no lease to share: every producer reports it.
      await this.condition('down:redis', true, { kind: 'redisDown' }, undefined);
      return;
    }
    await this.condition('down:redis', false, undefined, { kind: 'redisUp' });
    if (!webUp || !(await this.isLeader())) return;

    const s = await this.status.snapshot();
    // Dead letters: new ones are gathered per flow and announced at most once per group window.
    for (const d of s.deadLetters) {
      if (this.seenDead.has(d.id)) continue;
      this.seenDead.add(d.id);
      if (!this.primed) continue; // those already there at start-up were announced before
      const g = this.groups.get(d.queue) ?? { firstSeenAt: now, ids: new Set(), named: [] };
      g.ids.add(d.id);
      if (g.named.length < DEAD_LETTERS_NAMED) g.named.push(d);
      this.groups.set(d.queue, g);
    }
    this.primed = true;
    for (const [flow, g] of this.groups) {
      const windowEnds = (this.lastDeadMessage.get(flow) ?? 0) + this.config.ops.alertGroupMinutes * 60_000;
      if (now - g.firstSeenAt < this.gatherMs || now < windowEnds) continue;
      this.groups.delete(flow);
      this.lastDeadMessage.set(flow, now);
      this.open.add(`dead:${flow}`);
      await this.send({ kind: 'deadLetters', flow, count: g.ids.size, items: await deadLetterItems(this.deps.web, g.named) });
    }
    // A flow behind because a dependency is down is announced by the outage alert alone: its
    // staleness and idle queue follow from the outage, during it and while the backlog drains.
    const waitsForOutage = (flow: Domain) =>
      (DOMAIN_DEPENDENCIES[flow] ?? []).some((d: Dependency) => this.downSince.has(d) || now - (this.recoveredAt.get(d) ?? -Infinity) < OUTAGE_DRAIN_GRACE_MS);
    for (const f of s.flows) {
      if (f.deadLetters === 0 && !this.groups.has(f.flow)) {
        await this.condition(`dead:${f.flow}`, false, undefined, { kind: 'deadLettersCleared', flow: f.flow });
      }
      if (waitsForOutage(f.flow)) continue;
      await this.condition(
        `stale:${f.flow}`,
        f.reasons.includes('stale'),
        { kind: 'stale', flow: f.flow, behindSeconds: f.stalenessSeconds, thresholdSeconds: f.staleAfterSeconds },
        { kind: 'caughtUp', flow: f.flow },
      );
      await this.condition(
        `noworker:${f.flow}`,
        f.reasons.includes('no_worker'),
        { kind: 'noWorker', flow: f.flow, waiting: f.queue.waiting },
        { kind: 'workerAgain', flow: f.flow },
      );
    }
  }
}
