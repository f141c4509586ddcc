/**
 * The `bitrix` schema our migration creates, the writer's view of it (BITRIX_TABLES) and the
 * mappers' rows agree column for column; and the logger masks a webhook code wherever it appears.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '@mikrosync/core';
import { BITRIX_TABLES } from '@mikrosync/connectors';
import { mapActivity, mapCompany, mapContact, mapDeal, mapDepartment, mapLead, mapTask, mapTaskComment, mapUser, type BitrixRow } from '@mikrosync/mappers';
import { createTestEnv, type TestEnv } from '../support/test-env.js';

const SAMPLE: Record<string, () => BitrixRow> = {
  leads: () => mapLead({ ID: '1' }),
  contacts: () => mapContact({ ID: '1' }),
  companies: () => mapCompany({ ID: '1' }),
  deals: () => mapDeal({ ID: '1' }),
  activities: () => mapActivity({ ID: '1' }),
  tasks: () => mapTask({ id: '1' }),
  task_comments: () => mapTaskComment({ ID: '1' }, 1),
  users: () => mapUser({ ID: '1' }),
  departments: () => mapDepartment({ ID: '1' }),
};

const PG_TYPES: Record<string, string> = {
  bigint: 'bigint',
  integer: 'integer',
  text: 'text',
  numeric: 'numeric',
  boolean: 'boolean',
  timestamptz: 'timestamp with time zone',
  date: 'date',
  jsonb: 'jsonb',
  'text[]': 'ARRAY',
  'bigint[]': 'ARRAY',
};

describe('bitrix schema', () => {
  let t: TestEnv;
  beforeAll(async () => {
    t = await createTestEnv();
  });
  afterAll(async () => t?.cleanup());

  it('migration, writer and mappers name the same columns with the same types', async () => {
    const res = await t.web.query(`SELECT table_name, column_name, data_type FROM information_schema.columns WHERE table_schema = 'bitrix' ORDER BY table_name, ordinal_position`);
    const db = new Map<string, Map<string, string>>();
    for (const r of res.rows) db.set(r.table_name, (db.get(r.table_name) ?? new Map()).set(r.column_name, r.data_type));
    expect([...db.keys()].sort()).toEqual(Object.keys(BITRIX_TABLES).sort());
    for (const [table, columns] of Object.entries(BITRIX_TABLES)) {
      const actual = db.get(table)!;
      for (const [name, type] of columns) expect(actual.get(name), `${table}.${name}`).toBe(PG_TYPES[type]);
      for (const common of ['id', 'data', 'synced_at', 'deleted_at']) expect(actual.has(common), `${table}.${common}`).toBe(true);
      const mapped = Object.keys(SAMPLE[table]!().row).sort();
      expect(mapped, table).toEqual(['id', ...columns.map(([n]) => n), 'data'].sort());
    }
  });

  it('the logger masks a webhook code in messages and fields', () => {
    const written: string[] = [];
    const log = createLogger({ level: 'info' }, { write: (l: string) => void written.push(l) });
    log.error({ err: new Error('fetch https://p.bitrix24.com/rest/7/s3cr3tc0de/crm.lead.list.json failed'), webhookUrl: 'https://p.bitrix24.com/rest/7/s3cr3tc0de/' }, 'calling https://p.bitrix24.com/rest/7/s3cr3tc0de/ now');
    expect(written.join('')).not.toContain('s3cr3tc0de');
    expect(written.join('')).toContain('/rest/7/***');
  });
});
