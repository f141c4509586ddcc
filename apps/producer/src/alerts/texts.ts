/**
 * What an alert says, in the operator's language (ALERT_LANG: tr, en or both): flows by their
 * label, dead letters by the record's business label and their reason rendered from its message
 * key, as the console lists them. Pure: the monitor decides when to send and gathers the facts.
 */
import { formatClock, formatDuration, t, type Domain, type Lang } from '@mikrosync/core';
import type { Dependency } from '@mikrosync/connectors/queue';
import { flowLabel, reasonOf, recordView, type DeadLetterItem } from '../console/views.js';

export type { DeadLetterItem };
import type { AlertMessage } from './channels.js';

export type AlertLang = Lang | 'both';

export type AlertEvent =
  | { kind: 'deadLetters'; flow: string; count: number; items: readonly DeadLetterItem[] }
  | { kind: 'deadLettersCleared'; flow: string }
  | { kind: 'stale'; flow: Domain; behindSeconds: number | null; thresholdSeconds: number }
  | { kind: 'caughtUp'; flow: Domain }
  | { kind: 'noWorker'; flow: Domain; waiting: number }
  | { kind: 'workerAgain'; flow: Domain }
  | { kind: 'down'; dependency: Dependency; since: string; queued: number }
  | { kind: 'up'; dependency: Dependency }
  | { kind: 'redisDown' }
  | { kind: 'redisUp' };

function deadLetterLines(e: Extract<AlertEvent, { kind: 'deadLetters' }>, lang: Lang, timeZone: string): string {
  const lines = e.items.map(({ entry, facts, mappingLabel }) => {
    const { reason } = reasonOf(entry, lang, mappingLabel);
    return `- ${entry.record ? `${recordView(entry.record, facts, lang, timeZone).label}: ` : ''}${reason}`;
  });
  if (e.count > e.items.length) lines.push(`- ${t(lang, 'alert.dead.more', { count: e.count - e.items.length })}`);
  return lines.join('\n');
}

/** Subject and body of one alert in one language. */
export function alertIn(e: AlertEvent, lang: Lang, timeZone: string): AlertMessage {
  switch (e.kind) {
    case 'deadLetters': {
      const p = { flow: flowLabel(e.flow, lang), count: e.count };
      const text = `${t(lang, 'alert.dead.body', p)}\n\n${deadLetterLines(e, lang, timeZone)}\n\n${t(lang, 'alert.dead.hint')}`;
      return { subject: t(lang, 'alert.dead.subject', p), text };
    }
    case 'deadLettersCleared': {
      const p = { flow: flowLabel(e.flow, lang) };
      return { subject: t(lang, 'alert.deadCleared.subject', p), text: t(lang, 'alert.deadCleared.body', p) };
    }
    case 'stale': {
      const flow = flowLabel(e.flow, lang);
      const behind = e.behindSeconds === null ? '?' : formatDuration(e.behindSeconds, lang);
      return { subject: t(lang, 'alert.stale.subject', { flow }), text: t(lang, 'alert.stale.body', { flow, behind, threshold: formatDuration(e.thresholdSeconds, lang) }) };
    }
    case 'caughtUp': {
      const p = { flow: flowLabel(e.flow, lang) };
      return { subject: t(lang, 'alert.caughtUp.subject', p), text: t(lang, 'alert.caughtUp.body', p) };
    }
    case 'noWorker': {
      const flow = flowLabel(e.flow, lang);
      return { subject: t(lang, 'alert.noWorker.subject', { flow }), text: t(lang, 'alert.noWorker.body', { flow, count: e.waiting, domain: e.flow }) };
    }
    case 'workerAgain': {
      const p = { flow: flowLabel(e.flow, lang) };
      return { subject: t(lang, 'alert.workerAgain.subject', p), text: t(lang, 'alert.workerAgain.body', p) };
    }
    case 'down':
      return {
        subject: t(lang, `alert.down.${e.dependency}.subject`),
        text: t(lang, `alert.down.${e.dependency}.body`, { since: formatClock(e.since, timeZone), queued: e.queued }),
      };
    case 'up':
      return { subject: t(lang, `alert.up.${e.dependency}.subject`), text: t(lang, `alert.up.${e.dependency}.body`) };
    case 'redisDown':
      return { subject: t(lang, 'alert.down.redis.subject'), text: t(lang, 'alert.down.redis.body') };
    case 'redisUp':
      return { subject: t(lang, 'alert.up.redis.subject'), text: t(lang, 'alert.up.redis.body') };
  }
}

/** The alert as sent: one language, or Turkish first and then English in one message. */
export function alertText(e: AlertEvent, lang: AlertLang, timeZone: string): AlertMessage {
  if (lang !== 'both') return alertIn(e, lang, timeZone);
  const tr = alertIn(e, 'tr', timeZone);
  const en = alertIn(e, 'en', timeZone);
  return { subject: `${tr.subject} / ${en.subject}`, text: `${tr.text}\n\n${en.text}` };
}
