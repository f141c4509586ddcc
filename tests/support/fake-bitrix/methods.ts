/**
 * The REST methods of the fake portal, with the parameter conventions of each family (spec §1.2):
 * crm.*.list, tasks.task.list (UPPER keys in, camelCase out), task.commentitem.getlist
 * (positional), user.get, department.get. Pages of 50, `total`/`next` when start >= 0, the
 * `start=-1` fast path without counting.
 */
import { conditionsOf, matches, orderOf, sortRecords, type Condition, type Order, type Rec } from './filters.js';
import type { EntityKey, PortalData } from './store.js';

export const PAGE = 50;

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly description: string,
  ) {
    super(`${code}: ${description}`);
  }
}

export interface MethodResult {
  result: unknown;
  next?: number;
  total?: number;
}

export type Handler = (params: Rec, data: PortalData) => MethodResult;

const param = (p: Rec, ...names: string[]) => {
  for (const n of names) if (p[n] !== undefined) return p[n];
  return undefined;
};

function startOf(p: Rec): number {
  const s = Number(param(p, 'start', 'START') ?? 0);
  return Number.isFinite(s) ? Math.trunc(s) : 0;
}

/** Filtered, ordered page of an entity; walks in id order without sorting when ordered by id. */
export function query(data: PortalData, entity: EntityKey, conds: Condition[], order: Order, start: number): { rows: Rec[]; total?: number; next?: number } {
  const c = data.entities[entity];
  const offset = data.clock.offset;
  const idKey = c.idKey;
  const dir = order.length === 1 && order[0]![0] === idKey ? order[0]![1] : 0;
  const want = (r: Rec) => matches(r, conds, offset) && data.visible(entity, r);
  let ordered: Rec[] | undefined;
  let walk: Iterable<Rec>;
  if (dir !== 0) {
    const ids = c.ids();
    let from = 0;
    if (dir === 1) {
      for (const b of conds) {
        if (b.field === idKey && (b.op === '>' || b.op === '>=') && Number.isFinite(Number(b.value))) from = Math.max(from, c.lowerBound(Number(b.value), b.op === '>='));
      }
    }
    walk = (function* () {
      if (dir === 1) for (let i = from; i < ids.length; i++) yield c.byId.get(ids[i]!)!;
      else for (let i = ids.length - 1; i >= 0; i--) yield c.byId.get(ids[i]!)!;
    })();
  } else {
    ordered = sortRecords([...c.byId.values()].filter(want), order, offset);
    walk = ordered;
  }
  const rows: Rec[] = [];
  if (start < 0) {
    for (const r of walk) {
      if (ordered || want(r)) rows.push(r);
      if (rows.length === PAGE) break;
    }
    return { rows, total: 0 };
  }
  let total = 0;
  for (const r of walk) {
    if (!ordered && !want(r)) continue;
    if (total >= start && total < start + PAGE) rows.push(r);
    total++;
  }
  return { rows, total, next: start + PAGE < total ? start + PAGE : undefined };
}

function selectList(p: Rec): string[] {
  const s = param(p, 'select', 'SELECT');
  if (Array.isArray(s)) return s.map(String);
  if (typeof s === 'object' && s !== null) return Object.values(s).map(String);
  return [];
}

function projectCrm(rec: Rec, select: string[], namedOnly: readonly string[]): Rec {
  const sel = select.length ? select : ['*'];
  const star = sel.includes('*');
  const uf = sel.includes('UF_*');
  const out: Rec = {};
  for (const [k, v] of Object.entries(rec)) {
    if (namedOnly.includes(k)) {
      if (sel.includes(k)) out[k] = v;
    } else if (k.startsWith('UF_')) {
      if (uf || sel.includes(k)) out[k] = v;
    } else if (star || sel.includes(k)) out[k] = v;
  }
  return out;
}

function crmList(entity: EntityKey, namedOnly: readonly string[], defaultOrder: Rec): Handler {
  return (p, data) => {
    const conds = conditionsOf(param(p, 'filter', 'FILTER'), { ignoreLogic: true });
    const rawOrder = param(p, 'order', 'ORDER');
    const order = orderOf(rawOrder && typeof rawOrder === 'object' && Object.keys(rawOrder).length ? rawOrder : defaultOrder);
    const page = query(data, entity, conds, order, startOf(p));
    const select = selectList(p);
    return { result: page.rows.map((r) => projectCrm(r, select, namedOnly)), total: page.total, next: page.next };
  };
}

/** RESPONSIBLE_ID -> responsibleId, ID -> id, UF_CRM_TASK -> ufCrmTask. */
export function camel(upper: string): string {
  return upper.toLowerCase().replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

const TASK_SORT_KEYS = new Set(['ID', 'TITLE', 'CREATED_DATE', 'CHANGED_DATE', 'CLOSED_DATE', 'ACTIVITY_DATE', 'DEADLINE', 'STATUS', 'PRIORITY', 'RESPONSIBLE_ID', 'CREATED_BY', 'GROUP_ID', 'SORTING', 'TIME_SPENT_IN_LOGS']);
const TASK_EXTRAS = ['group', 'creator', 'responsible', 'subStatus'];

const tasksList: Handler = (p, data) => {
  const rawOrder = (param(p, 'order', 'ORDER') as Rec | undefined) ?? { ID: 'DESC' };
  for (const k of Object.keys(rawOrder)) if (!TASK_SORT_KEYS.has(k.toUpperCase())) throw new ApiError(400, '0', 'Invalid sorting key (internal error)');
  const conds = conditionsOf(param(p, 'filter', 'FILTER'), { ignoreLogic: true, key: (f) => camel(f) });
  const page = query(data, 'tasks', conds, orderOf(Object.keys(rawOrder).length ? rawOrder : { ID: 'DESC' }, (f) => camel(f)), startOf(p));
  const select = selectList(p);
  const all = !select.length || select.includes('*');
  const keys = new Set([...select.map(camel), ...TASK_EXTRAS]);
  const rows = page.rows.map((r) => (all ? { ...r } : Object.fromEntries(Object.entries(r).filter(([k]) => keys.has(k)))));
  return { result: { tasks: rows }, total: page.total, next: page.next };
};

const CORE_ERROR = 'TASKS_ERROR_EXCEPTION_#8; Action failed; 8/TE/ACTION_FAILED_TO_BE_PROCESSED<br>';

const commentList: Handler = (p, data) => {
  // Positional parameters: TASKID, ORDER, FILTER in that order (a list works too).
  let taskId: unknown;
  let order: unknown;
  let filter: unknown;
  if (Array.isArray(p)) [taskId, order, filter] = p as unknown[];
  else {
    const keys = Object.keys(p).map((k) => k.toUpperCase());
    const expected = ['TASKID', 'ORDER', 'FILTER'];
    if (keys.some((k, i) => k !== expected[i])) throw new ApiError(400, 'ERROR_CORE', 'TASKS_ERROR_EXCEPTION_#256; Param #0 (taskId) for method ctaskcommentitem::getlist() must not contain key "ORDER".');
    taskId = param(p, 'TASKID', 'taskid', 'taskId');
    order = param(p, 'ORDER', 'order');
    filter = param(p, 'FILTER', 'filter');
  }
  const id = Number(taskId);
  const task = data.entities.tasks.byId.get(id);
  if (!Number.isInteger(id) || !task || !data.visible('tasks', task) || data.forbiddenComments.has(id)) throw new ApiError(400, 'ERROR_CORE', CORE_ERROR);
  const conds = conditionsOf(filter, { ignoreLogic: false });
  const rows = (data.comments.get(id) ?? []).filter((r) => matches(r, conds, data.clock.offset));
  const o = orderOf(order && typeof order === 'object' && Object.keys(order).length ? order : { ID: 'DESC' });
  return { result: sortRecords([...rows], o, data.clock.offset) };
};

const userGet: Handler = (p, data) => {
  const conds = conditionsOf(param(p, 'FILTER', 'filter'), { ignoreLogic: false });
  const sort = String(param(p, 'sort', 'SORT') ?? 'ID');
  const dir = String(param(p, 'order', 'ORDER') ?? 'ASC');
  const page = query(data, 'users', conds, orderOf({ [sort]: dir }), Math.max(0, startOf(p)));
  return { result: page.rows, total: page.total, next: page.next };
};

const departmentGet: Handler = (p, data) => {
  const conds: Condition[] = [];
  for (const f of ['ID', 'NAME', 'SORT', 'PARENT', 'UF_HEAD']) if (p[f] !== undefined) conds.push({ op: '=', field: f, value: p[f] });
  const sort = String(param(p, 'sort', 'SORT') ?? 'ID');
  const dir = String(param(p, 'order', 'ORDER') ?? 'ASC');
  const page = query(data, 'departments', conds, orderOf({ [sort]: dir }), Math.max(0, startOf(p)));
  return { result: page.rows, total: page.total, next: page.next };
};

const CRM_MULTI = ['PHONE', 'EMAIL', 'WEB', 'IM'];

export const METHODS: Record<string, { handler: Handler; scope: string }> = {
  'crm.lead.list': { handler: crmList('leads', CRM_MULTI, { ID: 'ASC' }), scope: 'crm' },
  'crm.contact.list': { handler: crmList('contacts', [...CRM_MULTI, 'LINK'], { ID: 'ASC' }), scope: 'crm' },
  'crm.company.list': { handler: crmList('companies', CRM_MULTI, { ID: 'ASC' }), scope: 'crm' },
  'crm.deal.list': { handler: crmList('deals', [], { ID: 'ASC' }), scope: 'crm' },
  'crm.activity.list': { handler: crmList('activities', ['COMMUNICATIONS', 'FILES'], { START_TIME: 'ASC' }), scope: 'crm' },
  'tasks.task.list': { handler: tasksList, scope: 'task' },
  'task.commentitem.getlist': { handler: commentList, scope: 'task' },
  'user.get': { handler: userGet, scope: 'user' },
  'department.get': { handler: departmentGet, scope: 'department' },
};

