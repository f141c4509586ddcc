/**
 * Bitrix24 API record -> row of our `bitrix` schema: typed key columns for querying, plus the
 * whole record as received (`data`, JSONB). Column names match db/migrations/*_bitrix-schema.sql.
 * Pure: no I/O; problems are returned, never thrown, so a record with an odd field is still stored.
 */
import { BitrixFieldReader, type BitrixRecord, type BitrixMapIssue } from './values.js';
import { readMultiFields, type BitrixMultiFieldKind } from './multi-fields.js';

export interface BitrixMapContext {
  /** Portal UTC offset ("+03:00") for zone-less times (user.get TIMESTAMP_X). */
  portalOffset?: string;
}

export interface BitrixRow {
  /** Bitrix id; null when the record has no usable id (it cannot be stored). */
  id: number | null;
  row: Record<string, unknown>;
  issues: BitrixMapIssue[];
}

function finish(r: BitrixFieldReader, idField: string, cols: Record<string, unknown>): BitrixRow {
  const id = r.id(idField);
  return { id, row: { id, ...cols, data: r.record }, issues: r.issues };
}

function multi(r: BitrixFieldReader, kinds: readonly BitrixMultiFieldKind[]) {
  const m = readMultiFields(r, kinds);
  return { phone: m.first.PHONE ?? null, email: m.first.EMAIL ?? null, web: m.first.WEB ?? null, im: m.first.IM ?? null, multi_fields: m.all };
}

export function mapLead(rec: BitrixRecord, ctx: BitrixMapContext = {}): BitrixRow {
  const r = new BitrixFieldReader(rec, ctx.portalOffset);
  return finish(r, 'ID', {
    title: r.text('TITLE'),
    name: r.text('NAME'),
    last_name: r.text('LAST_NAME'),
    status_id: r.text('STATUS_ID'),
    status_semantic_id: r.text('STATUS_SEMANTIC_ID'),
    source_id: r.text('SOURCE_ID'),
    company_title: r.text('COMPANY_TITLE'),
    company_id: r.id('COMPANY_ID'),
    contact_id: r.id('CONTACT_ID'),
    assigned_by_id: r.id('ASSIGNED_BY_ID'),
    opportunity: r.numeric('OPPORTUNITY'),
    currency_id: r.text('CURRENCY_ID'),
    ...multi(r, ['PHONE', 'EMAIL', 'WEB', 'IM']),
    date_create: r.timestamp('DATE_CREATE'),
    date_modify: r.timestamp('DATE_MODIFY'),
    date_closed: r.timestamp('DATE_CLOSED'),
  });
}

export function mapContact(rec: BitrixRecord, ctx: BitrixMapContext = {}): BitrixRow {
  const r = new BitrixFieldReader(rec, ctx.portalOffset);
  return finish(r, 'ID', {
    name: r.text('NAME'),
    second_name: r.text('SECOND_NAME'),
    last_name: r.text('LAST_NAME'),
    post: r.text('POST'),
    type_id: r.text('TYPE_ID'),
    source_id: r.text('SOURCE_ID'),
    company_id: r.id('COMPANY_ID'),
    lead_id: r.id('LEAD_ID'),
    assigned_by_id: r.id('ASSIGNED_BY_ID'),
    birthdate: r.date('BIRTHDATE'),
    ...multi(r, ['PHONE', 'EMAIL', 'WEB', 'IM', 'LINK']),
    date_create: r.timestamp('DATE_CREATE'),
    date_modify: r.timestamp('DATE_MODIFY'),
  });
}

export function mapCompany(rec: BitrixRecord, ctx: BitrixMapContext = {}): BitrixRow {
  const r = new BitrixFieldReader(rec, ctx.portalOffset);
  return finish(r, 'ID', {
    title: r.text('TITLE'),
    company_type: r.text('COMPANY_TYPE'),
    industry: r.text('INDUSTRY'),
    // An enum code such as EMPLOYEES_2, not a head-count (spec §2.3).
    employees: r.text('EMPLOYEES'),
    revenue: r.numeric('REVENUE'),
    currency_id: r.text('CURRENCY_ID'),
    assigned_by_id: r.id('ASSIGNED_BY_ID'),
    is_my_company: r.flag('IS_MY_COMPANY'),
    ...multi(r, ['PHONE', 'EMAIL', 'WEB', 'IM']),
    date_create: r.timestamp('DATE_CREATE'),
    date_modify: r.timestamp('DATE_MODIFY'),
  });
}

export function mapDeal(rec: BitrixRecord, ctx: BitrixMapContext = {}): BitrixRow {
  const r = new BitrixFieldReader(rec, ctx.portalOffset);
  return finish(r, 'ID', {
    title: r.text('TITLE'),
    type_id: r.text('TYPE_ID'),
    stage_id: r.text('STAGE_ID'),
    stage_semantic_id: r.text('STAGE_SEMANTIC_ID'),
    category_id: r.int('CATEGORY_ID'),
    opportunity: r.numeric('OPPORTUNITY'),
    currency_id: r.text('CURRENCY_ID'),
    lead_id: r.id('LEAD_ID'),
    company_id: r.id('COMPANY_ID'),
    contact_id: r.id('CONTACT_ID'),
    assigned_by_id: r.id('ASSIGNED_BY_ID'),
    source_id: r.text('SOURCE_ID'),
    begindate: r.date('BEGINDATE'),
    closedate: r.date('CLOSEDATE'),
    closed: r.flag('CLOSED'),
    date_create: r.timestamp('DATE_CREATE'),
    date_modify: r.timestamp('DATE_MODIFY'),
  });
}

export function mapActivity(rec: BitrixRecord, ctx: BitrixMapContext = {}): BitrixRow {
  const r = new BitrixFieldReader(rec, ctx.portalOffset);
  return finish(r, 'ID', {
    owner_id: r.id('OWNER_ID'),
    owner_type_id: r.int('OWNER_TYPE_ID'),
    type_id: r.int('TYPE_ID'),
    provider_id: r.text('PROVIDER_ID'),
    provider_type_id: r.text('PROVIDER_TYPE_ID'),
    subject: r.text('SUBJECT'),
    responsible_id: r.id('RESPONSIBLE_ID'),
    completed: r.flag('COMPLETED'),
    status: r.int('STATUS'),
    direction: r.int('DIRECTION'),
    priority: r.int('PRIORITY'),
    start_time: r.timestamp('START_TIME'),
    end_time: r.timestamp('END_TIME'),
    deadline: r.timestamp('DEADLINE'),
    created: r.timestamp('CREATED'),
    last_updated: r.timestamp('LAST_UPDATED'),
  });
}

/** Task tags come as an object keyed by tag id ({"35": {"id": 35, "title": "tapu"}}) or as []. */
function tagTitles(r: BitrixFieldReader): string[] | null {
  const v = r.record.tags;
  if (v === undefined || v === null) return null;
  if (Array.isArray(v)) {
    if (v.every((t) => typeof t === 'string')) return v as string[];
    if (v.every((t) => typeof t === 'object' && t !== null && typeof (t as { title?: unknown }).title === 'string')) return v.map((t) => (t as { title: string }).title);
  } else if (typeof v === 'object') {
    const items = Object.values(v as Record<string, unknown>);
    if (items.every((t) => typeof t === 'object' && t !== null && typeof (t as { title?: unknown }).title === 'string')) return items.map((t) => (t as { title: string }).title);
  }
  r.issues.push({ field: 'tags', problem: 'expected tags keyed by id', value: JSON.stringify(v).slice(0, 80) });
  return null;
}

/** Tasks answer in camelCase (`result.tasks`), whatever case the request used. */
export function mapTask(rec: BitrixRecord, ctx: BitrixMapContext = {}): BitrixRow {
  const r = new BitrixFieldReader(rec, ctx.portalOffset);
  return finish(r, 'id', {
    parent_id: r.id('parentId'),
    title: r.text('title'),
    status: r.int('status'),
    priority: r.int('priority'),
    group_id: r.id('groupId'),
    responsible_id: r.id('responsibleId'),
    created_by: r.id('createdBy'),
    changed_by: r.id('changedBy'),
    closed_by: r.id('closedBy'),
    created_date: r.timestamp('createdDate'),
    changed_date: r.timestamp('changedDate'),
    closed_date: r.timestamp('closedDate'),
    activity_date: r.timestamp('activityDate'),
    deadline: r.timestamp('deadline'),
    comments_count: r.int('commentsCount'),
    tags: tagTitles(r),
    crm_bindings: r.textList('ufCrmTask'),
  });
}

/** A comment row of `task.commentitem.getlist`: it carries no TASK_ID, the caller supplies it. */
export function mapTaskComment(rec: BitrixRecord, taskId: number, ctx: BitrixMapContext = {}): BitrixRow {
  const r = new BitrixFieldReader(rec, ctx.portalOffset);
  const mapped = finish(r, 'ID', {
    task_id: taskId,
    author_id: r.id('AUTHOR_ID'),
    author_name: r.text('AUTHOR_NAME'),
    post_date: r.timestamp('POST_DATE'),
    post_message: r.text('POST_MESSAGE'),
  });
  mapped.row.data = { ...rec, TASK_ID: String(taskId) };
  return mapped;
}

export function mapUser(rec: BitrixRecord, ctx: BitrixMapContext = {}): BitrixRow {
  const r = new BitrixFieldReader(rec, ctx.portalOffset);
  return finish(r, 'ID', {
    active: r.flag('ACTIVE'),
    name: r.text('NAME'),
    last_name: r.text('LAST_NAME'),
    second_name: r.text('SECOND_NAME'),
    email: r.text('EMAIL'),
    work_position: r.text('WORK_POSITION'),
    user_type: r.text('USER_TYPE'),
    departments: r.idList('UF_DEPARTMENT'),
    personal_mobile: r.text('PERSONAL_MOBILE'),
    work_phone: r.text('WORK_PHONE'),
    last_login: r.timestamp('LAST_LOGIN'),
    date_register: r.timestamp('DATE_REGISTER'),
    // Site format without a zone ("04.11.2025 17:40:03"), read in the portal zone.
    timestamp_x: r.timestamp('TIMESTAMP_X'),
  });
}

export function mapDepartment(rec: BitrixRecord, ctx: BitrixMapContext = {}): BitrixRow {
  const r = new BitrixFieldReader(rec, ctx.portalOffset);
  return finish(r, 'ID', {
    name: r.text('NAME'),
    sort: r.int('SORT'),
    parent_id: r.id('PARENT'),
    head_id: r.id('UF_HEAD'),
  });
}
