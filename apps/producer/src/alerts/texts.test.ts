/**
 * Every alert kind in Turkish and in English: flows by their label, dead letters by the record's
 * business label and their reason from its message key, and `both` as Turkish first, then English.
 */
import { describe, expect, it } from 'vitest';
import { says } from '@mikrosync/core';
import type { RecordFacts } from '@mikrosync/connectors/web';
import { alertIn, alertText, type AlertEvent } from './texts.js';

const TZ = 'Europe/Istanbul';
const ID = '3f1c2a9e-5b7d-4c1e-9a2b-0d8e7f6a5b4c';
const facts: RecordFacts = { table: 'tahsilatlar', id: ID, number: 'NC-4', party: 'ADA OYUNCAK', amount: 0, date: '2025-11-12', erpSeries: null, erpNumber: null };
const amountZero = { reason: 'amount (tutar) is 0; it must be greater than 0.', says: says('err.amountNotPositive', { amount: 0 }), record: { table: 'tahsilatlar', id: ID } };

const deadLetters: AlertEvent = {
  kind: 'deadLetters',
  flow: 'collections',
  count: 20,
  items: [
    { entry: amountZero, facts },
    // The web row is gone: the record's noun and a short id.
    { entry: { ...amountZero, record: { table: 'tahsilatlar', id: 'aaaaaaaa-0000-0000-0000-000000000000' } } },
    // No message key (an older version's dead letter): the English reason as stored.
    { entry: { reason: 'the xmlurunler table is locked', record: undefined } },
  ],
};

/** Subject and body per kind: [event, Turkish, English], each a list of what the text must contain. */
const CASES: [AlertEvent, { subject: string; text: string[] }, { subject: string; text: string[] }][] = [
  [
    deadLetters,
    {
      subject: 'Tahsilat ve tediyeler: hata kuyruğunda 20 belge',
      text: [
        'Tahsilat ve tediyeler akışında 20 belge kalıcı olarak aktarılamadı',
        "- Tahsilat NC-4 · ADA OYUNCAK · 0,00 TL · 12.11.2025: tutar 0; 0'dan büyük olmalı.",
        "- Tahsilat aaaaaaaa: tutar 0; 0'dan büyük olmalı.",
        '- the xmlurunler table is locked',
        '- … ve 17 belge daha',
        'Durum sayfasında (/status) ya da şu komutla yeniden kuyruğa alın veya silin: mikrosync dlq list',
      ],
    },
    {
      subject: 'Collections and payments: 20 job(s) in the dead-letter queue',
      text: [
        '20 job(s) of flow Collections and payments failed for good',
        '- Collection NC-4 · ADA OYUNCAK · 0.00 TL · 12/11/2025: amount (tutar) is 0; it must be greater than 0.',
        '- Collection aaaaaaaa: amount (tutar) is 0',
        '- the xmlurunler table is locked',
        '- … and 17 more',
        'Re-enqueue or discard them on the status page (/status) or with: mikrosync dlq list',
      ],
    },
  ],
  [
    { kind: 'deadLettersCleared', flow: 'collections' },
    { subject: 'Tahsilat ve tediyeler: hata kuyruğu boşaldı', text: ['Tahsilat ve tediyeler akışında hata kuyruğunda bekleyen belge kalmadı.'] },
    { subject: 'Collections and payments: dead-letter queue cleared', text: ['No job of flow Collections and payments waits in the dead-letter queue any more.'] },
  ],
  [
    { kind: 'stale', flow: 'sales', behindSeconds: 420, thresholdSeconds: 300 },
    { subject: 'Satışlar gecikiyor', text: ['Satışlar akışı 7 dk geride (eşik 5 dk).'] },
    { subject: 'Sales is stale', text: ['Flow Sales is 7 min behind (threshold 5 min).'] },
  ],
  [
    { kind: 'caughtUp', flow: 'sales' },
    { subject: 'Satışlar yeniden güncel', text: ['Satışlar akışı gecikmeyi kapattı.'] },
    { subject: 'Sales is up to date again', text: ['Flow Sales caught up.'] },
  ],
  [
    { kind: 'noWorker', flow: 'returns', waiting: 4 },
    { subject: 'İadeler için çalışan yok', text: ['İadeler akışında 4 belge bekliyor', 'mikrosync worker --domain returns'] },
    { subject: 'Returns has no worker', text: ['4 job(s) of flow Returns wait and no worker consumes its queue', 'mikrosync worker --domain returns'] },
  ],
  [
    { kind: 'workerAgain', flow: 'returns' },
    { subject: 'İadeler için yeniden çalışan var', text: ['İadeler akışını yeniden bir çalışan işliyor.'] },
    { subject: 'Returns has a worker again', text: ['A worker consumes flow Returns again.'] },
  ],
  [
    { kind: 'down', dependency: 'erp', since: '2025-11-12T11:02:00Z', queued: 223 },
    { subject: 'ERP veritabanına ulaşılamıyor', text: ['mikrosync ERP veritabanına ulaşamıyor', 'ERP saat 14:02 itibarıyla bekleniyor, kuyrukta 223 belge'] },
    { subject: 'ERP database unreachable', text: ['mikrosync cannot reach the ERP database', 'waiting for the ERP since 14:02, 223 documents queued'] },
  ],
  [
    { kind: 'down', dependency: 'web', since: '2025-11-12T11:02:00Z', queued: 5 },
    { subject: 'Web veritabanına ulaşılamıyor', text: ['web veritabanı saat 14:02 itibarıyla bekleniyor, kuyrukta 5 belge'] },
    { subject: 'web database unreachable', text: ['waiting for the web database since 14:02, 5 documents queued'] },
  ],
  [
    { kind: 'up', dependency: 'erp' },
    { subject: 'ERP veritabanı yeniden yanıt veriyor', text: ['bekleyen belgeler aktarılıyor'] },
    { subject: 'ERP database reachable again', text: ['The ERP database answers again'] },
  ],
  [
    { kind: 'up', dependency: 'web' },
    { subject: 'Web veritabanı yeniden yanıt veriyor', text: ['bekleyen belgeler aktarılıyor'] },
    { subject: 'web database reachable again', text: ['The web database answers again'] },
  ],
  [
    { kind: 'redisDown' },
    { subject: "Redis'e ulaşılamıyor", text: ["mikrosync Redis'e ulaşamıyor: hiçbir iş ilerlemiyor."] },
    { subject: 'Redis unreachable', text: ['mikrosync cannot reach Redis: no job moves.'] },
  ],
  [
    { kind: 'redisUp' },
    { subject: 'Redis yeniden yanıt veriyor', text: ['Redis yeniden yanıt veriyor.'] },
    { subject: 'Redis reachable again', text: ['Redis answers again.'] },
  ],
];

describe('alert texts', () => {
  it.each(CASES.map(([event, tr, en]) => [event.kind, event, tr, en] as const))('%s in Turkish and in English', (_kind, event, tr, en) => {
    for (const [lang, want] of [['tr', tr], ['en', en]] as const) {
      const m = alertIn(event, lang, TZ);
      expect(m.subject, lang).toBe(want.subject);
      for (const part of want.text) expect(m.text, lang).toContain(part);
      expect(m.text, lang).not.toMatch(/\{[A-Za-z]+\}/);
    }
  });

  it('names no record by its bare id when the web has its business label', () => {
    for (const lang of ['tr', 'en'] as const) expect(alertIn(deadLetters, lang, TZ).text).not.toContain(ID);
  });

  it('speaks Turkish first, then English, in one message when ALERT_LANG is both; one language otherwise', () => {
    const both = alertText(deadLetters, 'both', TZ);
    expect(both.subject).toBe('Tahsilat ve tediyeler: hata kuyruğunda 20 belge / Collections and payments: 20 job(s) in the dead-letter queue');
    expect(both.text.indexOf('akışında')).toBeLessThan(both.text.indexOf('failed for good'));
    // The hint (console address and CLI command) stays at the end.
    expect(both.text.trimEnd().endsWith('mikrosync dlq list')).toBe(true);
    expect(alertText(deadLetters, 'tr', TZ)).toEqual(alertIn(deadLetters, 'tr', TZ));
    expect(alertText(deadLetters, 'en', TZ).text).not.toContain('akışında');
  });

  it('names a missing mapping by the web row the page names', () => {
    const m = alertIn({ kind: 'deadLetters', flow: 'collections', count: 1, items: [{ entry: { reason: 'account has no ERP code', mapping: { kind: 'account', webCode: ID } }, mappingLabel: 'SERHAN KALAY' }] }, 'tr', TZ);
    expect(m.text).toContain('- SERHAN KALAY carisinin Mikro cari kodu yok.');
  });
});
