/**
 * What the operator reads, rendered in the page's language: flow and table labels, a record by its
 * business identity ("Tahsilat NC-4 · ADA OYUNCAK · 10,00 TL · 12.11.2025"), and a dead letter's
 * reason and fix from its message key (the English reason when it has none).
 */
import { DOMAINS, formatAmount, formatDate, isMessageKey, manifestOf, render, renderFix, t, type DeadLetter, type Domain, type Lang, type MappingKind, type MessageKey } from '@mikrosync/core';
import type { RecordFacts } from '@mikrosync/connectors/web';

/** A domain as the console shows it (a "flow"), from its manifest; a queue that is no domain's (a newer version's) shows its name. */
export function flowLabel(flow: string, lang: Lang): string {
  return (DOMAINS as readonly string[]).includes(flow) ? manifestOf(flow as Domain).label[lang] : flow;
}

/** One dead letter with what the web knows of its record: the input of every operator's view of it. */
export interface DeadLetterItem<E extends Pick<DeadLetter, 'reason' | 'says' | 'mapping' | 'record'> = Pick<DeadLetter, 'reason' | 'says' | 'mapping' | 'record'>> {
  entry: E;
  /** The record's business facts; absent when the web row is gone (or it is a task's). */
  facts?: RecordFacts;
  /** How the page names the web row of a missing mapping. */
  mappingLabel?: string;
}

/** A table's label; a table without one (a newer version's) shows its name. */
export function tableLabel(table: string, lang: Lang): string {
  const key = `table.${table}`;
  return isMessageKey(key) ? t(lang, key as MessageKey & `table.${string}`) : table;
}

function recordNoun(table: string, lang: Lang): string {
  const key = `record.${table}`;
  return isMessageKey(key) ? (render(lang, { key }) ?? table) : tableLabel(table, lang);
}

export interface RecordView {
  table: string;
  id: string;
  label: string;
  number?: string;
  party?: string;
  amount?: string;
  date?: string;
}

/** The business label of a record; without facts (gone from the web) its noun and a short id. */
export function recordView(ref: { table: string; id: string }, facts: RecordFacts | undefined, lang: Lang, timeZone: string): RecordView {
  const view: RecordView = { table: ref.table, id: ref.id, label: '' };
  if (facts?.number) view.number = facts.number;
  if (facts?.party) view.party = facts.party;
  if (facts?.amount !== null && facts?.amount !== undefined) view.amount = formatAmount(Number(facts.amount), lang);
  if (facts?.date) view.date = formatDate(facts.date, lang, timeZone);
  const head = `${recordNoun(ref.table, lang)} ${view.number ?? ref.id.slice(0, 8)}`;
  view.label = [head, view.party, view.amount, view.date].filter(Boolean).join(' · ');
  return view;
}

const MISSING: Record<MappingKind, MessageKey> = {
  account: 'err.accountMissing',
  cashBox: 'err.cashBoxMissing',
  bank: 'err.bankMissing',
  stock: 'err.stockMissing',
  priceList: 'err.priceListMissing',
};

/**
 * Reason and fix of a dead letter: its message key; else its missing mapping (a key of its own);
 * else the English reason as the worker logged it, split at "Fix:".
 */
export function reasonOf(entry: Pick<DeadLetter, 'reason' | 'says' | 'mapping'>, lang: Lang, webLabel?: string): { reason: string; fix: string; translated: boolean } {
  if (entry.says) {
    const reason = render(lang, entry.says);
    if (reason) return { reason, fix: renderFix(lang, entry.says) ?? t(lang, 'err.untranslated.fix'), translated: true };
  }
  if (entry.mapping) {
    const s = { key: MISSING[entry.mapping.kind], params: { name: webLabel ?? entry.mapping.webCode } };
    return { reason: render(lang, s)!, fix: renderFix(lang, s)!, translated: true };
  }
  const at = entry.reason.indexOf(' Fix: ');
  if (at < 0) return { reason: entry.reason, fix: t(lang, 'err.untranslated.fix'), translated: false };
  return { reason: entry.reason.slice(0, at), fix: entry.reason.slice(at + 6), translated: false };
}

/** The record of a dead letter id (`<queue>__<table>__<id>`), when it is a record's. */
export function recordOfDeadLetterId(id: string): { table: string; id: string } | undefined {
  const m = /^[a-z]+__([a-z_]+?)__(.+)$/.exec(id);
  return m ? { table: m[1]!, id: m[2]! } : undefined;
}
