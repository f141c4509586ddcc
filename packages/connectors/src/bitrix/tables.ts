/**
 * The tables of schema `bitrix` as the writer sees them: key columns and their types, mirroring
 * db/migrations/1763804000000_bitrix-schema.sql (a test compares the two). Every table also has
 * `id` (bigint primary key), `data` (jsonb), `synced_at` and `deleted_at`.
 */
export type BitrixColumnType = 'bigint' | 'integer' | 'text' | 'numeric' | 'boolean' | 'timestamptz' | 'date' | 'jsonb' | 'text[]' | 'bigint[]';

export type BitrixTableName = 'leads' | 'contacts' | 'companies' | 'deals' | 'activities' | 'tasks' | 'task_comments' | 'users' | 'departments';

const MULTI: [string, BitrixColumnType][] = [
  ['phone', 'text'],
  ['email', 'text'],
  ['web', 'text'],
  ['im', 'text'],
  ['multi_fields', 'jsonb'],
];

export const BITRIX_TABLES: Record<BitrixTableName, [string, BitrixColumnType][]> = {
  leads: [
    ['title', 'text'], ['name', 'text'], ['last_name', 'text'], ['status_id', 'text'], ['status_semantic_id', 'text'],
    ['source_id', 'text'], ['company_title', 'text'], ['company_id', 'bigint'], ['contact_id', 'bigint'], ['assigned_by_id', 'bigint'],
    ['opportunity', 'numeric'], ['currency_id', 'text'], ...MULTI, ['date_create', 'timestamptz'], ['date_modify', 'timestamptz'], ['date_closed', 'timestamptz'],
  ],
  contacts: [
    ['name', 'text'], ['second_name', 'text'], ['last_name', 'text'], ['post', 'text'], ['type_id', 'text'], ['source_id', 'text'],
    ['company_id', 'bigint'], ['lead_id', 'bigint'], ['assigned_by_id', 'bigint'], ['birthdate', 'date'], ...MULTI,
    ['date_create', 'timestamptz'], ['date_modify', 'timestamptz'],
  ],
  companies: [
    ['title', 'text'], ['company_type', 'text'], ['industry', 'text'], ['employees', 'text'], ['revenue', 'numeric'], ['currency_id', 'text'],
    ['assigned_by_id', 'bigint'], ['is_my_company', 'boolean'], ...MULTI, ['date_create', 'timestamptz'], ['date_modify', 'timestamptz'],
  ],
  deals: [
    ['title', 'text'], ['type_id', 'text'], ['stage_id', 'text'], ['stage_semantic_id', 'text'], ['category_id', 'integer'],
    ['opportunity', 'numeric'], ['currency_id', 'text'], ['lead_id', 'bigint'], ['company_id', 'bigint'], ['contact_id', 'bigint'],
    ['assigned_by_id', 'bigint'], ['source_id', 'text'], ['begindate', 'date'], ['closedate', 'date'], ['closed', 'boolean'],
    ['date_create', 'timestamptz'], ['date_modify', 'timestamptz'],
  ],
  activities: [
    ['owner_id', 'bigint'], ['owner_type_id', 'integer'], ['type_id', 'integer'], ['provider_id', 'text'], ['provider_type_id', 'text'],
    ['subject', 'text'], ['responsible_id', 'bigint'], ['completed', 'boolean'], ['status', 'integer'], ['direction', 'integer'],
    ['priority', 'integer'], ['start_time', 'timestamptz'], ['end_time', 'timestamptz'], ['deadline', 'timestamptz'],
    ['created', 'timestamptz'], ['last_updated', 'timestamptz'],
  ],
  tasks: [
    ['parent_id', 'bigint'], ['title', 'text'], ['status', 'integer'], ['priority', 'integer'], ['group_id', 'bigint'],
    ['responsible_id', 'bigint'], ['created_by', 'bigint'], ['changed_by', 'bigint'], ['closed_by', 'bigint'],
    ['created_date', 'timestamptz'], ['changed_date', 'timestamptz'], ['closed_date', 'timestamptz'], ['activity_date', 'timestamptz'],
    ['deadline', 'timestamptz'], ['comments_count', 'integer'], ['tags', 'text[]'], ['crm_bindings', 'text[]'],
  ],
  task_comments: [['task_id', 'bigint'], ['author_id', 'bigint'], ['author_name', 'text'], ['post_date', 'timestamptz'], ['post_message', 'text']],
  users: [
    ['active', 'boolean'], ['name', 'text'], ['last_name', 'text'], ['second_name', 'text'], ['email', 'text'], ['work_position', 'text'],
    ['user_type', 'text'], ['departments', 'bigint[]'], ['personal_mobile', 'text'], ['work_phone', 'text'], ['last_login', 'timestamptz'],
    ['date_register', 'timestamptz'], ['timestamp_x', 'timestamptz'],
  ],
  departments: [['name', 'text'], ['sort', 'integer'], ['parent_id', 'bigint'], ['head_id', 'bigint']],
};

export function isBitrixTable(name: string): name is BitrixTableName {
  return Object.prototype.hasOwnProperty.call(BITRIX_TABLES, name);
}
