import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config/index.js';
import { CAPTURE_SOURCES, DOMAIN_MANIFESTS, DOMAINS, defaultTaskOf, sourceFor, tablesOfJob } from './index.js';

describe('domain manifests', () => {
  it('name each domain, captured table, task and schedule once', () => {
    const unique = (xs: readonly string[]) => expect(new Set(xs).size).toBe(xs.length);
    unique(DOMAINS);
    unique(CAPTURE_SOURCES.map((s) => s.table));
    unique(DOMAIN_MANIFESTS.flatMap((m) => m.tasks.flatMap((t) => (t.schedules ?? []).map((s) => s.id))));
    for (const m of DOMAIN_MANIFESTS) unique(m.tasks.map((t) => t.name));
  });

  it('give a task domain exactly one default task, and every domain a label in both languages', () => {
    for (const m of DOMAIN_MANIFESTS) {
      expect(m.tasks.filter((t) => t.default).length, m.name).toBe(m.tasks.length ? 1 : 0);
      expect(m.label.tr && m.label.en, m.name).toBeTruthy();
    }
    expect(defaultTaskOf('xml')?.name).toBe('feed');
    expect(defaultTaskOf('sales')).toBeUndefined();
  });

  it('route a line table to its header job and domain', () => {
    expect(sourceFor('satis_kalemleri')).toMatchObject({ domain: 'sales', jobTable: 'satislar' });
    expect(tablesOfJob('iadeler').sort()).toEqual(['iade_kalemleri', 'iadeler']);
    for (const s of CAPTURE_SOURCES) if (s.jobTable) expect(sourceFor(s.jobTable)?.domain, s.table).toBe(s.domain);
  });

  it('read their schedules from config (STOCK_XML_HOURS adds the fixed-hour feed)', () => {
    const config = loadConfig({ ...minimalEnv(), STOCK_XML_HOURS: '13,17' });
    const feed = DOMAIN_MANIFESTS.find((m) => m.name === 'xml')!.tasks[0]!;
    expect(feed.schedules?.map((s) => s.cron(config))).toEqual([config.schedules.stockXml, '0 13,17 * * *']);
  });
});

function minimalEnv(): Record<string, string> {
  return { WEB_DATABASE_URL: 'postgres://app@db.example:5432/app', ERP_DIALECT: 'pg', ERP_DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/mikro' };
}
