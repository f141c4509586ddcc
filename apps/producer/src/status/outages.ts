/**
 * Outages as operators read them: "waiting for the ERP since 14:02, 223 documents queued", in
 * Turkish and English, for the status page and /readyz (the alerts render theirs from message keys).
 */
import { DOMAIN_DEPENDENCIES, type Dependency } from '@mikrosync/connectors/queue';
import type { Domain } from '@mikrosync/core';

export interface OutageStatus {
  dependency: Dependency;
  /** ISO time the first worker found it down. */
  since: string;
  reason: string;
  /** Flows that wait for it. */
  flows: Domain[];
  /** Jobs of those flows waiting, delayed or running meanwhile. */
  queued: number;
}

export function dependenciesOf(flow: Domain): readonly Dependency[] {
  return DOMAIN_DEPENDENCIES[flow];
}

const NAMES = {
  en: { erp: 'the ERP', web: 'the web database' },
  tr: { erp: 'ERP', web: 'web veritabanı' },
} as const;

function clock(iso: string, timeZone: string): string {
  return new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hour12: false }).format(new Date(iso));
}

/** One line per language. */
export function describeOutage(o: Pick<OutageStatus, 'dependency' | 'since' | 'queued'>, timeZone: string): { en: string; tr: string } {
  const at = clock(o.since, timeZone);
  return {
    en: `waiting for ${NAMES.en[o.dependency]} since ${at}, ${o.queued} documents queued`,
    tr: `${NAMES.tr[o.dependency]} bekleniyor, başlangıç ${at}, kuyrukta ${o.queued} belge`,
  };
}
