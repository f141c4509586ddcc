/**
 * What the sync reads from Bitrix24, per entity (spec §2.0): method, change field, explicit
 * select (multi-fields named, since "*" omits them), where the rows sit in the answer, and the
 * mapper. Order matters: tasks come last because task comments follow from them.
 */
import type { BitrixRecord } from './values.js';
import { mapActivity, mapCompany, mapContact, mapDeal, mapLead, mapTask, type BitrixMapContext, type BitrixRow } from './rows.js';

export type BitrixIncrementalTable = 'leads' | 'contacts' | 'companies' | 'deals' | 'activities' | 'tasks';
export type BitrixIncrementalEntityName = BitrixIncrementalTable | 'task_activity';
export type BitrixEntityName = BitrixIncrementalEntityName | 'task_comments' | 'users' | 'departments';

export interface BitrixIncrementalEntity {
  /** Name of the walk (its sync_state row). */
  name: BitrixIncrementalEntityName;
  /** Table the rows go to. */
  table: BitrixIncrementalTable;
  method: string;
  /** Filter key of the change time (`>=KEY`); always set at creation too. */
  changeField: string;
  /** Filter/order key of the id, and the key of the id in a returned row. */
  idFilter: string;
  idKey: string;
  select: string[];
  /** Tasks answer `{result: {tasks: [...]}}`; everything else `{result: [...]}`. */
  rowsKey: 'tasks' | undefined;
  map(rec: BitrixRecord, ctx: BitrixMapContext): BitrixRow;
  /** OAuth/webhook scope the method needs, for the error message when it is missing. */
  scope: 'crm' | 'task';
}

const CRM_MULTI = ['PHONE', 'EMAIL', 'WEB', 'IM'];

/** Task fields to select: the docs ask for an explicit list (the default set may change). */
export const BITRIX_TASK_SELECT = [
  'ID', 'PARENT_ID', 'TITLE', 'DESCRIPTION', 'STATUS', 'PRIORITY', 'MARK', 'GROUP_ID', 'STAGE_ID', 'CREATED_BY',
  'CREATED_DATE', 'RESPONSIBLE_ID', 'CHANGED_BY', 'CHANGED_DATE', 'STATUS_CHANGED_BY', 'CLOSED_BY', 'CLOSED_DATE',
  'ACTIVITY_DATE', 'DATE_START', 'DEADLINE', 'START_DATE_PLAN', 'END_DATE_PLAN', 'TIME_ESTIMATE', 'TIME_SPENT_IN_LOGS',
  'DURATION_PLAN', 'DURATION_TYPE', 'DURATION_FACT', 'ALLOW_CHANGE_DEADLINE', 'ALLOW_TIME_TRACKING', 'TASK_CONTROL',
  'MATCH_WORK_TIME', 'COMMENTS_COUNT', 'SERVICE_COMMENTS_COUNT', 'FORUM_TOPIC_ID', 'ACCOMPLICES', 'AUDITORS', 'TAGS', 'UF_CRM_TASK',
];

export const BITRIX_INCREMENTAL_ENTITIES: readonly BitrixIncrementalEntity[] = [
  { name: 'leads', table: 'leads', method: 'crm.lead.list', changeField: 'DATE_MODIFY', idFilter: 'ID', idKey: 'ID', select: ['*', 'UF_*', ...CRM_MULTI], rowsKey: undefined, map: mapLead, scope: 'crm' },
  { name: 'contacts', table: 'contacts', method: 'crm.contact.list', changeField: 'DATE_MODIFY', idFilter: 'ID', idKey: 'ID', select: ['*', 'UF_*', ...CRM_MULTI, 'LINK'], rowsKey: undefined, map: mapContact, scope: 'crm' },
  { name: 'companies', table: 'companies', method: 'crm.company.list', changeField: 'DATE_MODIFY', idFilter: 'ID', idKey: 'ID', select: ['*', 'UF_*', ...CRM_MULTI], rowsKey: undefined, map: mapCompany, scope: 'crm' },
  { name: 'deals', table: 'deals', method: 'crm.deal.list', changeField: 'DATE_MODIFY', idFilter: 'ID', idKey: 'ID', select: ['*', 'UF_*'], rowsKey: undefined, map: mapDeal, scope: 'crm' },
  { name: 'activities', table: 'activities', method: 'crm.activity.list', changeField: 'LAST_UPDATED', idFilter: 'ID', idKey: 'ID', select: ['*', 'COMMUNICATIONS'], rowsKey: undefined, map: mapActivity, scope: 'crm' },
  { name: 'tasks', table: 'tasks', method: 'tasks.task.list', changeField: 'CHANGED_DATE', idFilter: 'ID', idKey: 'id', select: BITRIX_TASK_SELECT, rowsKey: 'tasks', map: mapTask, scope: 'task' },
  // Whether a new comment moves a task's changedDate is undocumented; its activityDate and
  // commentsCount do move. This second walk (filter on ACTIVITY_DATE, [inferred] to be
  // filterable) brings those tasks, so their comments are read (spec §2.6, §5.4).
  { name: 'task_activity', table: 'tasks', method: 'tasks.task.list', changeField: 'ACTIVITY_DATE', idFilter: 'ID', idKey: 'id', select: BITRIX_TASK_SELECT, rowsKey: 'tasks', map: mapTask, scope: 'task' },
];

export function bitrixIncrementalEntity(name: string): BitrixIncrementalEntity | undefined {
  return BITRIX_INCREMENTAL_ENTITIES.find((e) => e.name === name);
}

/** Fixed page size of every REST v2 list method. */
export const BITRIX_PAGE_SIZE = 50;
