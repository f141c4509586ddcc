import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { mapActivity, mapCompany, mapContact, mapDeal, mapDepartment, mapLead, mapTask, mapTaskComment, mapUser } from './rows.js';
import { BITRIX_INCREMENTAL_ENTITIES } from './entities.js';

// The repository's fixtures/bitrix24 (API response shapes, invented values).
const FIXTURES = new URL('../../../../fixtures/bitrix24/', import.meta.url);
type Rec = Record<string, unknown>;
const load = (name: string) => JSON.parse(readFileSync(new URL(name, FIXTURES), 'utf8')) as { result: unknown };
const rows = (name: string) => load(name).result as Rec[];
const ctx = { portalOffset: '+03:00' };

describe('Bitrix24 records -> rows (fixtures)', () => {
  it('leads: typed keys, multi-fields with the preferred value, no issue on any fixture row', () => {
    const leads = rows('crm.lead.list.page1.json');
    for (const rec of leads) expect(mapLead(rec, ctx).issues, String(rec.ID)).toEqual([]);
    const m = mapLead(leads[0]!, ctx);
    expect(m.id).toBe(8403);
    expect(m.row).toMatchObject({
      title: 'Konut talebi - Kocaeli',
      company_id: null, // "0" means none
      contact_id: 30000,
      opportunity: '2500000.00',
      phone: '+90 547 802 56 62', // the WORK one
      email: null,
      multi_fields: { PHONE: [{ ID: '48000', VALUE_TYPE: 'WORK', VALUE: '+90 547 802 56 62' }, { ID: '48001', VALUE_TYPE: 'HOME', VALUE: '+90 530 252 44 31' }] },
      date_modify: '2025-08-17T21:43:00+03:00',
    });
    expect(m.row.data).toBe(leads[0]);
    const withoutPhone = leads.find((r) => !('PHONE' in r) && !('EMAIL' in r))!;
    expect(mapLead(withoutPhone, ctx).row).toMatchObject({ phone: null, email: null, multi_fields: null });
  });

  it('contacts: a local-midnight birthdate keeps its calendar day; "" is no date', () => {
    const contacts = rows('crm.contact.list.json');
    for (const rec of contacts) expect(mapContact(rec, ctx).issues).toEqual([]);
    expect(mapContact(contacts[0]!, ctx).row).toMatchObject({ birthdate: '1986-04-12', company_id: 1207, lead_id: 8400, phone: '+90 558 768 12 74' });
    expect(mapContact({ ID: '1', BIRTHDATE: '' }, ctx).row.birthdate).toBeNull();
    expect(mapContact({ ID: '1', BIRTHDATE: '2024-08-30T02:00:00+02:00' }, ctx).row.birthdate).toBe('2024-08-30');
  });

  it('companies: EMPLOYEES is a code, REVENUE a decimal', () => {
    const [c] = rows('crm.company.list.json');
    const m = mapCompany(c!, ctx);
    expect(m.issues).toEqual([]);
    expect(m.row).toMatchObject({ employees: 'EMPLOYEES_2', revenue: '12500000', web: 'https://yildiz-yapi.example.com', is_my_company: false });
  });

  it('deals: pipeline-prefixed stage, category, dates', () => {
    for (const rec of rows('crm.deal.list.json')) expect(mapDeal(rec, ctx).issues).toEqual([]);
    expect(mapDeal(rows('crm.deal.list.json')[0]!, ctx).row).toMatchObject({ stage_id: 'C24:PREPARATION', category_id: 24, begindate: '2025-11-01', closedate: '2025-12-15', closed: false });
  });

  it('activities: PHP empty arrays are no problem', () => {
    for (const rec of rows('crm.activity.list.json')) expect(mapActivity(rec, ctx).issues).toEqual([]);
    expect(mapActivity(rows('crm.activity.list.json')[0]!, ctx).row).toMatchObject({ owner_type_id: 2, type_id: 2, completed: true, last_updated: '2025-11-05T08:51:37+03:00' });
  });

  it('tasks: camelCase keys, tags keyed by id or [], bindings, "0" ids', () => {
    const tasks = (load('tasks.task.list.json').result as { tasks: Rec[] }).tasks;
    for (const rec of tasks) expect(mapTask(rec, ctx).issues).toEqual([]);
    expect(mapTask(tasks[0]!, ctx).row).toMatchObject({ id: 60788, tags: ['tapu', 'kredi'], crm_bindings: ['D_30391', 'C_30517'], closed_by: null, comments_count: 6, group_id: 8 });
    expect(mapTask(tasks[1]!, ctx).row).toMatchObject({ parent_id: 60788, tags: [], group_id: null });
  });

  it('task comments: the task id is added, rows carry none', () => {
    const [c] = rows('task.commentitem.getlist.json');
    const m = mapTaskComment(c!, 60788, ctx);
    expect(m.issues).toEqual([]);
    expect(m.row).toMatchObject({ id: 163301, task_id: 60788, author_id: 15, post_date: '2025-11-05T09:20:31+03:00' });
    expect(m.row.data).toMatchObject({ TASK_ID: '60788', ATTACHED_OBJECTS: { 9731: expect.any(Object) } });
  });

  it('users: JSON boolean ACTIVE, site-format TIMESTAMP_X read in the portal zone, department ids', () => {
    const users = rows('user.get.json');
    for (const rec of users) expect(mapUser(rec, ctx).issues).toEqual([]);
    expect(mapUser(users[0]!, ctx).row).toMatchObject({ active: true, timestamp_x: '2025-11-04T17:40:03+03:00', departments: [1], last_login: '2025-11-05T08:02:11+03:00' });
    expect(users.map((u) => mapUser(u, ctx).row.active)).toContain(false);
    // Without a known portal zone the zone-less time cannot be placed: NULL and an issue, no failure.
    expect(mapUser(users[0]!, {}).row.timestamp_x).toBeNull();
  });

  it('departments: no PARENT on the root, "0" or missing head', () => {
    const deps = rows('department.get.json').map((d) => mapDepartment(d, ctx));
    expect(deps.map((d) => d.issues)).toEqual(deps.map(() => []));
    expect(deps.map((d) => [d.id, d.row.parent_id, d.row.head_id])).toEqual([
      [1, null, 1],
      [5, 1, 12],
      [6, 5, 23],
      [9, 1, null],
      [14, 1, null],
    ]);
  });

  it('a field of an unexpected type gives NULL and an issue naming the field, never an exception', () => {
    const m = mapLead({ ID: '5', OPPORTUNITY: { a: 1 }, DATE_MODIFY: 'yesterday', COMPANY_ID: 'x', PHONE: [{ nope: 1 }], HAS_PHONE: 'maybe', TITLE: ['a'] }, ctx);
    expect(m.id).toBe(5);
    expect(m.row).toMatchObject({ opportunity: null, date_modify: null, company_id: null, phone: null, title: null });
    expect(m.issues.map((i) => i.field).sort()).toEqual(['COMPANY_ID', 'DATE_MODIFY', 'OPPORTUNITY', 'PHONE', 'TITLE']);
    expect(mapLead({ ID: 'abc' }, ctx).id).toBeNull();
  });

  it('every incremental entity selects its multi-fields explicitly and filters on its change field', () => {
    const byName = Object.fromEntries(BITRIX_INCREMENTAL_ENTITIES.map((e) => [e.name, e]));
    for (const n of ['leads', 'contacts', 'companies']) expect(byName[n]!.select).toEqual(expect.arrayContaining(['*', 'UF_*', 'PHONE', 'EMAIL', 'WEB', 'IM']));
    expect(byName.activities!.changeField).toBe('LAST_UPDATED');
    expect(byName.tasks!.changeField).toBe('CHANGED_DATE');
    expect(byName.task_activity!.changeField).toBe('ACTIVITY_DATE');
    expect(byName.tasks!.select).not.toContain('*');
  });
});
