/**
 * The fake portal's data: records per entity kept in id order, a clock the tests can move, and
 * hooks to create, edit, delete and hide records the way portal users would (change fields are
 * stamped from the fake clock).
 */
import type { Rec } from './filters.js';

export type EntityKey = 'leads' | 'contacts' | 'companies' | 'deals' | 'activities' | 'tasks' | 'users' | 'departments';

/** Records of one entity, sorted by numeric id for the keyset fast path. */
export class Collection {
  readonly byId = new Map<number, Rec>();
  private sorted: number[] = [];
  private dirty = false;

  constructor(readonly idKey: string) {}

  get size(): number {
    return this.byId.size;
  }

  put(rec: Rec): void {
    const id = Number(rec[this.idKey]);
    if (!this.byId.has(id)) {
      if (this.sorted.length && id < this.sorted[this.sorted.length - 1]!) this.dirty = true;
      this.sorted.push(id);
    }
    this.byId.set(id, rec);
  }

  delete(id: number): boolean {
    if (!this.byId.delete(id)) return false;
    const i = this.ids().indexOf(id);
    if (i >= 0) this.sorted.splice(i, 1);
    return true;
  }

  ids(): number[] {
    if (this.dirty) {
      this.sorted.sort((a, b) => a - b);
      this.dirty = false;
    }
    return this.sorted;
  }

  /** Index of the first id greater than (or equal to, when `inclusive`) `id`. */
  lowerBound(id: number, inclusive: boolean): number {
    const ids = this.ids();
    let lo = 0;
    let hi = ids.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (inclusive ? ids[mid]! < id : ids[mid]! <= id) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  maxId(): number {
    const ids = this.ids();
    return ids.length ? ids[ids.length - 1]! : 0;
  }
}

/** Portal clock: real time plus a shift the tests control, in the portal's zone. */
export class FakeClock {
  private shiftMs = 0;
  constructor(
    readonly offset = '+03:00',
    startMs?: number,
  ) {
    if (startMs !== undefined) this.shiftMs = startMs - Date.now();
  }

  private frozenMs: number | undefined;

  nowMs(): number {
    return this.frozenMs ?? Date.now() + this.shiftMs;
  }

  advance(seconds: number): void {
    if (this.frozenMs !== undefined) this.frozenMs += seconds * 1000;
    this.shiftMs += seconds * 1000;
  }

  /** Stops the clock (every answer and edit carries the same instant) until `resume()`. */
  freeze(): void {
    this.frozenMs = this.nowMs();
  }

  resume(): void {
    if (this.frozenMs !== undefined) this.shiftMs = this.frozenMs - Date.now();
    this.frozenMs = undefined;
  }

  /** "2025-11-05T10:02:59+03:00" (whole seconds, like Bitrix). */
  format(ms = this.nowMs()): string {
    const sign = this.offset.startsWith('-') ? -1 : 1;
    const [h, m] = this.offset.slice(1).split(':').map(Number) as [number, number];
    const d = new Date(ms + sign * (h * 60 + m) * 60_000);
    const p = (n: number) => String(n).padStart(2, '0');
    return `${d.getUTCFullYear()}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())}T${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}${this.offset}`;
  }

  /** "04.11.2025 17:40:03": the site format user.get uses for TIMESTAMP_X. */
  formatSite(ms = this.nowMs()): string {
    const iso = this.format(ms);
    return `${iso.slice(8, 10)}.${iso.slice(5, 7)}.${iso.slice(0, 4)} ${iso.slice(11, 19)}`;
  }
}

/** Change and creation fields per entity: stamped on create and update. */
export const STAMPS: Record<EntityKey, { created?: string; changed?: string; extra?: string[] }> = {
  leads: { created: 'DATE_CREATE', changed: 'DATE_MODIFY' },
  contacts: { created: 'DATE_CREATE', changed: 'DATE_MODIFY' },
  companies: { created: 'DATE_CREATE', changed: 'DATE_MODIFY' },
  deals: { created: 'DATE_CREATE', changed: 'DATE_MODIFY' },
  activities: { created: 'CREATED', changed: 'LAST_UPDATED' },
  tasks: { created: 'createdDate', changed: 'changedDate', extra: ['activityDate'] },
  users: {},
  departments: {},
};

export class PortalData {
  readonly clock: FakeClock;
  readonly entities: Record<EntityKey, Collection>;
  /** Comments per task id (rows without TASK_ID, as the API returns them). */
  readonly comments = new Map<number, Rec[]>();
  /** Records the webhook user can no longer see (permission loss): "entity:id". */
  readonly hidden = new Set<string>();
  /** Tasks listed, but whose comments the webhook user may not read (-> ERROR_CORE). */
  readonly forbiddenComments = new Set<number>();
  private commentSeq = 500_000;

  constructor(offset = '+03:00') {
    this.clock = new FakeClock(offset);
    this.entities = {
      leads: new Collection('ID'),
      contacts: new Collection('ID'),
      companies: new Collection('ID'),
      deals: new Collection('ID'),
      activities: new Collection('ID'),
      tasks: new Collection('id'),
      users: new Collection('ID'),
      departments: new Collection('ID'),
    };
  }

  visible(entity: EntityKey, rec: Rec): boolean {
    return !this.hidden.size || !this.hidden.has(`${entity}:${String(rec[this.entities[entity].idKey])}`);
  }

  /** Adds a record as given (seeding): no stamping. */
  seed(entity: EntityKey, recs: Rec[]): void {
    const c = this.entities[entity];
    for (const r of recs) c.put(r);
  }

  /** A portal user creates a record: id assigned, creation and change fields stamped now. */
  create(entity: EntityKey, rec: Rec): Rec {
    const c = this.entities[entity];
    const id = rec[c.idKey] ?? String(c.maxId() + 1);
    const now = this.clock.format();
    const s = STAMPS[entity];
    const out: Rec = { ...rec, [c.idKey]: String(id) };
    for (const f of [s.created, s.changed, ...(s.extra ?? [])]) if (f) out[f] = now;
    c.put(out);
    return out;
  }

  /** A portal user edits a record: the change field moves to now. */
  update(entity: EntityKey, id: number, patch: Rec): Rec {
    const c = this.entities[entity];
    const rec = c.byId.get(id);
    if (!rec) throw new Error(`fake portal: no ${entity} ${id}`);
    const s = STAMPS[entity];
    const now = this.clock.format();
    const out: Rec = { ...rec, ...patch };
    for (const f of [s.changed, ...(s.extra ?? [])]) if (f) out[f] = now;
    if (entity === 'users') out.TIMESTAMP_X = this.clock.formatSite();
    c.put(out);
    return out;
  }

  remove(entity: EntityKey, id: number): void {
    if (!this.entities[entity].delete(id)) throw new Error(`fake portal: no ${entity} ${id}`);
    if (entity === 'tasks') this.comments.delete(id);
  }

  /**
   * A comment on a task: the task's commentsCount and activityDate move; its changedDate moves
   * only with `bumpChanged` (undocumented on the real portal, so the sync must not rely on it).
   */
  addComment(taskId: number, comment: Rec, opts: { bumpChanged?: boolean } = {}): Rec {
    const task = this.entities.tasks.byId.get(taskId);
    if (!task) throw new Error(`fake portal: no task ${taskId}`);
    const row: Rec = { POST_MESSAGE_HTML: null, ID: String(++this.commentSeq), AUTHOR_ID: '1', AUTHOR_NAME: 'Mehmet Yıldız', AUTHOR_EMAIL: '', POST_DATE: this.clock.format(), POST_MESSAGE: 'comment', ATTACHED_OBJECTS: {}, ...comment };
    const list = this.comments.get(taskId) ?? [];
    list.push(row);
    this.comments.set(taskId, list);
    const now = this.clock.format();
    const patch: Rec = { commentsCount: String(Number(task.commentsCount ?? 0) + 1), activityDate: now };
    if (opts.bumpChanged) patch.changedDate = now;
    this.entities.tasks.put({ ...task, ...patch });
    return row;
  }

  /** Seeds comments without touching the task (initial data). */
  seedComments(taskId: number, rows: Rec[]): void {
    for (const r of rows) if (Number(r.ID) > this.commentSeq) this.commentSeq = Number(r.ID);
    this.comments.set(taskId, [...(this.comments.get(taskId) ?? []), ...rows]);
  }

  nextCommentId(): number {
    return ++this.commentSeq;
  }
}
