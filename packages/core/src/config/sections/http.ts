import { z } from 'zod';
import { int, list, secret } from '../fields.js';
import { hostList, isLoopbackHost } from '../hosts.js';
import { section } from '../section.js';

const password = () => secret(z.string().optional()).describe('at least 8 characters');

export const http = section(
  `HTTP (Bull Board, status page, health, metrics)
Status page roles besides the admin (the only one who sees Bull Board). An operator may
re-enqueue, fix mappings and run, pause or resume flows; a viewer reads only (every action: 403).`,
  {
    HTTP_HOST: z.string().default('127.0.0.1').describe('any non-loopback address requires ADMIN_USER and ADMIN_PASSWORD'),
    HTTP_PORT: int(3456, 0, 65535),
    ADMIN_USER: z.string().optional(),
    ADMIN_PASSWORD: password(),
    OPERATOR_USER: z.string().optional(),
    OPERATOR_PASSWORD: password(),
    VIEWER_USER: z.string().optional(),
    VIEWER_PASSWORD: password(),
    SUMMARY_EMAIL_TIME: z
      .string()
      .default('')
      .refine((v) => v === '' || /^([01]\d|2[0-3]):[0-5]\d$/.test(v), { message: 'expected a time HH:MM, e.g. 07:30, or empty' })
      .describe('Daily summary (/summary) by e-mail through ALERT_SMTP_URL at this local time (HH:MM, ERP_TIMEZONE);\nempty = no e-mail.'),
    SUMMARY_EMAIL_TO: list().describe('recipients of the daily summary, comma-separated; empty = ALERT_EMAIL_TO'),
    HTTP_ALLOWED_HOSTS: z
      .string()
      .optional()
      .refine((v) => v === undefined || hostList(v).every((h) => /^([a-z0-9-]+\.)*[a-z0-9-]+$|^\[[0-9a-f:.]+\]$/i.test(h)), {
        message: 'expected host names or addresses without scheme or port, comma-separated, e.g. sync.example.com,192.168.1.10',
      })
      .describe(`Host names the HTTP server answers to, comma-separated, without scheme or port (the loopback
names always). Default: the loopback names, plus HTTP_HOST when it is one specific address.
Any other Host header is refused (DNS rebinding): add the server's name, and \`producer\` when a
Prometheus in the same compose project scrapes http://producer:3456/metrics.`),
    METRICS_TOKEN: secret(z.string().min(16, { message: 'expected at least 16 characters' }).optional())
      .describe(`On a non-loopback HTTP_HOST, /metrics needs \`Authorization: Bearer <METRICS_TOKEN>\` (16+ characters)
or the admin login, and /readyz tells others only ready / not ready.`),
  },
  (e) => ({
    host: e.HTTP_HOST,
    port: e.HTTP_PORT,
    adminUser: e.ADMIN_USER,
    adminPassword: e.ADMIN_PASSWORD,
    /** May re-enqueue, fix mappings and run flows, not use Bull Board. */
    operatorUser: e.OPERATOR_USER || undefined,
    operatorPassword: e.OPERATOR_PASSWORD || undefined,
    /** Reads the status page only. */
    viewerUser: e.VIEWER_USER || undefined,
    viewerPassword: e.VIEWER_PASSWORD || undefined,
    /** Local time (HH:MM) of the daily summary e-mail; '' = none. */
    summaryEmailTime: e.SUMMARY_EMAIL_TIME,
    summaryEmailTo: e.SUMMARY_EMAIL_TO,
    /** Host header names accepted on every route (lower case; IPv6 in brackets). */
    allowedHosts: allowedHosts(e),
    /** Bearer token for /metrics on a non-loopback address (the admin login works too). */
    metricsToken: e.METRICS_TOKEN,
  }),
  (e, report) => {
    if (!isLoopbackHost(e.HTTP_HOST) && (!e.ADMIN_USER || !e.ADMIN_PASSWORD)) {
      report('ADMIN_USER / ADMIN_PASSWORD', `required when HTTP_HOST (${e.HTTP_HOST}) is not a loopback address: the dashboard and Bull Board would be open to the network`);
    }
    if (e.ADMIN_PASSWORD !== undefined && e.ADMIN_PASSWORD.length < 8) report('ADMIN_PASSWORD', 'expected at least 8 characters');
    for (const role of ['OPERATOR', 'VIEWER'] as const) {
      const user = e[`${role}_USER`];
      const password = e[`${role}_PASSWORD`];
      if (Boolean(user) !== Boolean(password)) report(`${role}_USER / ${role}_PASSWORD`, 'set both or neither');
      if (password && password.length < 8) report(`${role}_PASSWORD`, 'expected at least 8 characters');
    }
  },
);

/**
 * The names the HTTP server answers to (its Host header): the loopback names always, plus
 * HTTP_ALLOWED_HOSTS, or HTTP_HOST when that is one specific address. Any other name is what a
 * DNS-rebinding page sends.
 */
function allowedHosts(e: { HTTP_HOST: string; HTTP_ALLOWED_HOSTS?: string | undefined }): string[] {
  const own = e.HTTP_ALLOWED_HOSTS !== undefined ? hostList(e.HTTP_ALLOWED_HOSTS) : ['0.0.0.0', '::', '[::]'].includes(e.HTTP_HOST) ? [] : [e.HTTP_HOST.toLowerCase()];
  return [...new Set(['localhost', '127.0.0.1', '[::1]', ...own])];
}
