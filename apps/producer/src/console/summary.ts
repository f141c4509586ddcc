/**
 * The daily summary: per flow what was posted and dead-lettered in the last 24 hours and what
 * waits now, and the dead letters by business identity, as one printable HTML page; the same HTML
 * is the body of the daily e-mail (SUMMARY_EMAIL_TIME, through the alerts' SMTP setting).
 */
import nodemailer from 'nodemailer';
import { formatClock, formatDate, queueForDomain, t, type Config, type Lang, type Logger } from '@mikrosync/core';
import { readHourly, type QueueRegistry } from '@mikrosync/connectors/queue';
import type { StatusService } from '../status/status-service.js';
import { escapeXml } from './chart.js';
import { deadLetterViews, type ConsoleDeps } from './status-view.js';
import { flowLabel } from './views.js';

export interface SummaryData {
  date: string;
  generatedAt: string;
  rows: { flow: string; label: string; posted: number; failed: number; waiting: number }[];
  totals: { posted: number; failed: number; waiting: number };
  deadLetters: { label: string; reason: string }[];
}

export async function summaryData(d: ConsoleDeps & { status: StatusService }, lang: Lang, now = Date.now()): Promise<SummaryData> {
  const tz = d.config.erp.timeZone;
  const fleet = await d.status.snapshot();
  const rows = await Promise.all(
    fleet.flows.map(async (f) => {
      const hours = await readHourly(d.queues.connection, d.config.redis.prefix, queueForDomain(f.flow), 24, now).catch(() => []);
      return {
        flow: f.flow,
        label: flowLabel(f.flow, lang),
        posted: hours.reduce((n, h) => n + h.posted, 0),
        failed: f.deadLetters,
        waiting: f.queue.waiting + f.queue.delayed + f.queue.active,
      };
    }),
  );
  const dead = await deadLetterViews(d, fleet.deadLetters, lang);
  return {
    date: formatDate(new Date(now), lang, tz),
    generatedAt: `${formatDate(new Date(now), lang, tz)} ${formatClock(now, tz)}`,
    rows,
    totals: rows.reduce((a, r) => ({ posted: a.posted + r.posted, failed: a.failed + r.failed, waiting: a.waiting + r.waiting }), { posted: 0, failed: 0, waiting: 0 }),
    deadLetters: dead.map((x) => ({ label: x.record?.label ?? x.id, reason: x.reason })),
  };
}

export function summaryHtml(s: SummaryData, lang: Lang): string {
  const e = escapeXml;
  const row = (r: SummaryData['rows'][number]) =>
    `<tr><td>${e(r.label)}</td><td class="n">${r.posted}</td><td class="n${r.failed ? ' bad' : ''}">${r.failed}</td><td class="n">${r.waiting}</td></tr>`;
  const dead = s.deadLetters.length
    ? `<h2>${e(t(lang, 'summary.failed'))}</h2><ul>${s.deadLetters.map((x) => `<li><b>${e(x.label)}</b>: ${e(x.reason)}</li>`).join('')}</ul>`
    : '';
  return `<!doctype html><html lang="${lang}"><head><meta charset="utf-8"><title>${e(t(lang, 'summary.title', { date: s.date }))}</title>
<style>body{font-family:sans-serif;margin:1.5em;color:#222}table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #ccc;padding:.3em .5em;text-align:left}
.n{text-align:right}.bad{color:#c62828;font-weight:bold}tfoot td{font-weight:bold}@media print{body{margin:0}@page{size:A4;margin:15mm}}</style></head><body>
<h1>${e(t(lang, 'summary.title', { date: s.date }))}</h1>
<table><thead><tr><th>${e(t(lang, 'summary.flow'))}</th><th class="n">${e(t(lang, 'summary.posted'))}</th><th class="n">${e(t(lang, 'summary.failed'))}</th><th class="n">${e(t(lang, 'summary.waiting'))}</th></tr></thead>
<tbody>${s.rows.map(row).join('')}</tbody>
<tfoot><tr><td></td><td class="n">${s.totals.posted}</td><td class="n">${s.totals.failed}</td><td class="n">${s.totals.waiting}</td></tr></tfoot></table>
${dead}
<p><small>${e(t(lang, 'summary.generated', { at: s.generatedAt }))}</small></p></body></html>`;
}

/**
 * Sends the summary once a day at SUMMARY_EMAIL_TIME (shop time) when SMTP is set. Several
 * producers may run: the first to claim the day in Redis sends it.
 */
export class SummaryMailer {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly d: ConsoleDeps & { status: StatusService; log: Logger; queues: QueueRegistry },
    private readonly lang: Lang = 'tr',
  ) {}

  static enabled(config: Config): boolean {
    return Boolean(config.ops.alertSmtpUrl && config.http.summaryEmailTime && recipients(config).length);
  }

  start(intervalMs = 30_000): void {
    if (!SummaryMailer.enabled(this.d.config)) return;
    this.timer = setInterval(() => void this.tick().catch((err: unknown) => this.d.log.warn({ err }, 'daily summary e-mail failed')), intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private async tick(now = Date.now()): Promise<void> {
    const { config } = this.d;
    if (formatClock(now, config.erp.timeZone) !== config.http.summaryEmailTime) return;
    const day = formatDate(new Date(now), 'en', config.erp.timeZone);
    const claimed = await this.d.queues.connection.set(`${config.redis.prefix}:summary-mail:${day}`, '1', 'EX', 2 * 86_400, 'NX');
    if (claimed === 'OK') await this.send(now);
  }

  /** Sends the summary now (also what the schedule calls). */
  async send(now = Date.now()): Promise<void> {
    const { config } = this.d;
    if (!config.ops.alertSmtpUrl) return;
    const data = await summaryData(this.d, this.lang, now);
    const transport = nodemailer.createTransport(config.ops.alertSmtpUrl);
    await transport.sendMail({
      from: config.ops.alertEmailFrom,
      to: recipients(config),
      subject: t(this.lang, 'summary.subject', { date: data.date, ...data.totals }),
      html: summaryHtml(data, this.lang),
    });
    this.d.log.info({ to: recipients(config).length, ...data.totals }, 'daily summary e-mail sent');
  }
}

function recipients(config: Config): string[] {
  return config.http.summaryEmailTo.length ? config.http.summaryEmailTo : config.ops.alertEmailTo;
}
