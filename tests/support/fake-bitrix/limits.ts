/**
 * The portal's limits (spec §1.8): a leaky bucket per client address (every HTTP request adds 1,
 * drains `rate` per second, more than `burst` -> QUERY_LIMIT_EXCEEDED, counted as a violation),
 * and the per-method operating-time budget over a rolling window (-> OPERATION_TIME_LIMIT).
 */
export class LeakyBucket {
  private level = new Map<string, { level: number; at: number }>();
  /** Requests refused because the bucket was full. */
  violations = 0;
  enabled = true;
  /** 503 today; older portals answered 429. */
  status: 503 | 429 = 503;

  constructor(
    public burst = 50,
    public rate = 2,
  ) {}

  /** Adds a request; false when it overflows (the request is refused and not counted). */
  take(client: string, now = performance.now()): boolean {
    if (!this.enabled) return true;
    const s = this.level.get(client) ?? { level: 0, at: now };
    const level = Math.max(0, s.level - ((now - s.at) * this.rate) / 1000);
    if (level + 1 > this.burst + 1e-6) {
      this.violations++;
      this.level.set(client, { level, at: now });
      return false;
    }
    this.level.set(client, { level: level + 1, at: now });
    return true;
  }

  reset(): void {
    this.level.clear();
    this.violations = 0;
  }
}

export class OperatingBudget {
  private spent = new Map<string, { at: number; cost: number }[]>();
  /** Seconds charged per call of a method (default `defaultCost`). */
  costs: Record<string, number> = {};
  defaultCost = 0;
  limitSeconds = 480;
  windowMs = 600_000;
  /** Calls refused with OPERATION_TIME_LIMIT, per method. */
  refused: Record<string, number> = {};

  private entries(method: string, now: number) {
    const list = (this.spent.get(method) ?? []).filter((e) => e.at > now - this.windowMs);
    this.spent.set(method, list);
    return list;
  }

  state(method: string, now = Date.now()): { operating: number; resetAt: number } {
    const list = this.entries(method, now);
    const operating = list.reduce((s, e) => s + e.cost, 0);
    const oldest = list[0]?.at ?? now;
    return { operating: Math.round(operating * 1000) / 1000, resetAt: Math.ceil((oldest + this.windowMs) / 1000) };
  }

  /** Checked before each call: over the limit -> refused until the oldest basket expires. */
  blocked(method: string, now = Date.now()): boolean {
    const blocked = this.state(method, now).operating > this.limitSeconds;
    if (blocked) this.refused[method] = (this.refused[method] ?? 0) + 1;
    return blocked;
  }

  charge(method: string, now = Date.now()): void {
    const cost = this.costs[method] ?? this.defaultCost;
    if (cost > 0) this.entries(method, now).push({ at: now, cost });
  }

  reset(): void {
    this.spent.clear();
    this.refused = {};
  }
}
