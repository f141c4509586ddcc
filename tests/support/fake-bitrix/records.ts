/**
 * Records for seeding the fake portal, built on the shapes of the fixtures
 * (fixtures/bitrix24): same keys, value types and PHP quirks, invented values.
 */
import { readFileSync } from 'node:fs';
import type { Rec } from './filters.js';
import type { FakeClock } from './store.js';

export const FIXTURES = new URL('../../../fixtures/bitrix24/', import.meta.url);

export function fixture<T = Rec>(name: string): T {
  return JSON.parse(readFileSync(new URL(name, FIXTURES), 'utf8')) as T;
}

const first = <T>(name: string, pick: (d: Rec) => T[]): T => pick(fixture(name))[0]!;
const templates = {
  lead: () => first('crm.lead.list.page1.json', (d) => d.result as Rec[]),
  contact: () => first('crm.contact.list.json', (d) => d.result as Rec[]),
  company: () => first('crm.company.list.json', (d) => d.result as Rec[]),
  deal: () => first('crm.deal.list.json', (d) => d.result as Rec[]),
  activity: () => first('crm.activity.list.json', (d) => d.result as Rec[]),
  task: () => first('tasks.task.list.json', (d) => (d.result as { tasks: Rec[] }).tasks),
  comment: () => first('task.commentitem.getlist.json', (d) => d.result as Rec[]),
  user: () => first('user.get.json', (d) => d.result as Rec[]),
};
const cache = new Map<string, Rec>();
function template(kind: keyof typeof templates): Rec {
  let t = cache.get(kind);
  if (!t) cache.set(kind, (t = templates[kind]()));
  return t;
}

/** Times spread over the hours before `clock` now, so a later edit is always newer. */
function past(clock: FakeClock, i: number, n: number): string {
  return clock.format(clock.nowMs() - 3_600_000 - (n - i) * 1000);
}

const phone = (id: number) => `+90 5${String(id % 100).padStart(2, '0')} ${String(id).padStart(7, '0').replace(/(\d{3})(\d{2})(\d{2})/, '$1 $2 $3')}`;

export function makeLead(clock: FakeClock, id: number, i = 0, n = 1): Rec {
  const t = past(clock, i, n);
  const rec: Rec = { ...template('lead'), ID: String(id), TITLE: `Lead ${id}`, NAME: `Ad${id}`, DATE_CREATE: t, DATE_MODIFY: t, OPPORTUNITY: `${(id % 997) * 1000}.00` };
  rec.PHONE = [{ ID: String(id * 10), VALUE_TYPE: 'WORK', VALUE: phone(id), TYPE_ID: 'PHONE' }];
  if (id % 2) rec.EMAIL = [{ ID: String(id * 10 + 1), VALUE_TYPE: 'WORK', VALUE: `lead${id}@example.com`, TYPE_ID: 'EMAIL' }];
  else delete rec.EMAIL;
  return rec;
}

export function makeContact(clock: FakeClock, id: number, i = 0, n = 1): Rec {
  const t = past(clock, i, n);
  return { ...template('contact'), ID: String(id), NAME: `Kişi${id}`, DATE_CREATE: t, DATE_MODIFY: t };
}

export function makeCompany(clock: FakeClock, id: number, i = 0, n = 1): Rec {
  const t = past(clock, i, n);
  return { ...template('company'), ID: String(id), TITLE: `Firma ${id}`, DATE_CREATE: t, DATE_MODIFY: t };
}

export function makeDeal(clock: FakeClock, id: number, i = 0, n = 1): Rec {
  const t = past(clock, i, n);
  return { ...template('deal'), ID: String(id), TITLE: `Fırsat ${id}`, DATE_CREATE: t, DATE_MODIFY: t };
}

export function makeActivity(clock: FakeClock, id: number, i = 0, n = 1): Rec {
  const t = past(clock, i, n);
  return { ...template('activity'), ID: String(id), SUBJECT: `Arama ${id}`, CREATED: t, LAST_UPDATED: t, START_TIME: t };
}

export function makeTask(clock: FakeClock, id: number, i = 0, n = 1, commentsCount = 0): Rec {
  const t = past(clock, i, n);
  return { ...template('task'), id: String(id), title: `Görev ${id}`, createdDate: t, changedDate: t, activityDate: t, commentsCount: String(commentsCount), forumTopicId: String(id) };
}

export function makeComment(clock: FakeClock, id: number, text = `Yorum ${id}`): Rec {
  return { ...template('comment'), ID: String(id), POST_DATE: clock.format(clock.nowMs() - 7_200_000), POST_MESSAGE: text, ATTACHED_OBJECTS: {} };
}

export function makeUser(clock: FakeClock, id: number): Rec {
  return { ...template('user'), ID: String(id), NAME: `Kullanıcı${id}`, EMAIL: `user${id}@example.com`, ACTIVE: id % 7 !== 0, TIMESTAMP_X: clock.formatSite(clock.nowMs() - 86_400_000), UF_DEPARTMENT: [1 + (id % 3)] };
}

export function makeDepartment(id: number, parent?: number): Rec {
  const rec: Rec = { ID: String(id), NAME: `Departman ${id}`, SORT: 500 + id, UF_HEAD: '1' };
  if (parent) rec.PARENT = String(parent);
  return rec;
}
