import { describe, expect, it } from 'vitest';
import { CAPTURE_SOURCES, DOMAIN_MANIFESTS, DOMAINS } from '@mikrosync/core';
import { DOMAIN_MODULES } from '../domains/index.js';
import { DOMAIN_TASKS, implementedDomains, recordTables } from './registry.js';

describe('the job registry against the domain manifests', () => {
  it('has a record processor for every captured header table and for nothing else', () => {
    const headers = CAPTURE_SOURCES.filter((s) => !s.jobTable).map((s) => s.table);
    expect(recordTables().sort()).toEqual(headers.sort());
  });

  it('has a processor for every task of every manifest and no task the manifests do not list', () => {
    for (const m of DOMAIN_MANIFESTS) expect(Object.keys(DOMAIN_TASKS[m.name] ?? {}), m.name).toEqual(m.tasks.map((t) => t.name));
  });

  it('serves every domain from exactly one folder', () => {
    const served = Object.values(DOMAIN_MODULES).flatMap((m) => m.domains);
    expect([...served].sort()).toEqual([...DOMAINS].sort());
    expect(implementedDomains()).toEqual(DOMAINS);
  });
});
