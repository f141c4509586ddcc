import { z } from 'zod';
import { int, list, secret, url } from '../fields.js';
import { section } from '../section.js';

export const ops = section(
  'Operations: staleness, alerts, log files',
  {
    STALE_RECORDS_SECONDS: int(300, 10).describe('a web change not in the ERP after this long makes its flow stale'),
    ALERT_WEBHOOK_URL: secret(url(['http:', 'https:'], 'https://hooks.slack.com/services/…').optional()).describe('Slack-compatible incoming webhook (secret: never logged)'),
    ALERT_SMTP_URL: secret(url(['smtp:', 'smtps:'], 'smtp://user:password@mail.example.com:587').optional()).describe('e.g. smtp://user:password@mail.example.com:587'),
    ALERT_EMAIL_FROM: z.string().default('mikrosync@localhost'),
    ALERT_EMAIL_TO: list().describe('comma-separated recipients'),
    ALERT_GROUP_MINUTES: int(5, 0, 1440).describe('at most one dead-letter message per flow in this window'),
    ALERT_CHECK_INTERVAL_MS: int(30000, 200),
    ALERT_LANG: z.enum(['tr', 'en', 'both']).default('both').describe('language of the alerts: tr, en or both (Turkish first, then English)'),
    OUTAGE_ALERT_GRACE_MS: int(30000, 0).describe('the ERP or the web database down this long is announced (one alert), and its recovery'),
    LOG_DIR: z.string().optional().describe('also write combined.log, error.log and sync.log here (rotated)'),
    LOG_FILE_MAX_MB: int(10, 1, 10_000),
    LOG_FILE_KEEP: int(10, 1, 1000),
  },
  (e) => ({
    /** A record flow with an open outbox event older than this is stale. */
    staleRecordsSeconds: e.STALE_RECORDS_SECONDS,
    alertWebhookUrl: e.ALERT_WEBHOOK_URL,
    alertSmtpUrl: e.ALERT_SMTP_URL,
    alertEmailFrom: e.ALERT_EMAIL_FROM,
    alertEmailTo: e.ALERT_EMAIL_TO,
    /** At most one dead-letter message per flow in this many minutes. */
    alertGroupMinutes: e.ALERT_GROUP_MINUTES,
    alertCheckIntervalMs: e.ALERT_CHECK_INTERVAL_MS,
    /** The language of alert subjects and bodies; `both` is Turkish first, then English. */
    alertLang: e.ALERT_LANG,
    /** A dependency down this long is announced (shorter blips are not). */
    outageAlertGraceMs: e.OUTAGE_ALERT_GRACE_MS,
    logDir: e.LOG_DIR,
    logFileMaxMb: e.LOG_FILE_MAX_MB,
    logFileKeep: e.LOG_FILE_KEEP,
  }),
);
