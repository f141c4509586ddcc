/**
 * One validated configuration, read once at start-up from the environment (and `.env`).
 * Every variable is documented with its default in `.env.example`; a wrong or missing value stops
 * start-up with a message that names the variable and the expected form, never its secret value.
 */
import { isIPv4 } from 'node:net';
import { z } from 'zod';
import cronParser from 'cron-parser';
import { ConfigError } from './errors.js';
import { REDIS_ENV, redisConfig, redisConfigProblems, type RedisConfig } from './redis-config.js';

const bool = (def: boolean) =>
  z
    .enum(['true', 'false', '1', '0', 'yes', 'no'], { message: 'expected true or false' })
    .default(def ? 'true' : 'false')
    .transform((v) => v === 'true' || v === '1' || v === 'yes');

const int = (def: number, min: number, max = Number.MAX_SAFE_INTEGER) =>
  z
    .string()
    .default(String(def))
    .refine((v) => /^-?\d+$/.test(v.trim()), { message: `expected a whole number (${min}..${max})` })
    .transform((v) => Number.parseInt(v, 10))
    .refine((n) => n >= min && n <= max, { message: `expected a whole number from ${min} to ${max}` });

/** A duration: milliseconds, or a number with ms, s, m, h or d ("24h", "5m"). */
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const duration = (def: string, minMs: number) =>
  z
    .string()
    .default(def)
    .refine((v) => /^\s*\d+\s*(ms|s|m|h|d)?\s*$/.test(v), { message: 'expected a duration such as 500ms, 30s, 5m, 24h or milliseconds' })
    .transform((v) => {
      const [, n, unit] = /^\s*(\d+)\s*(ms|s|m|h|d)?\s*$/.exec(v)!;
      return Number(n) * (UNIT_MS[unit ?? 'ms'] ?? 1);
    })
    .refine((ms) => ms >= minMs, { message: `expected at least ${minMs} ms` });

const url = (protocols: string[], example: string) =>
  z.string({ message: `a URL such as ${example}` }).refine(
    (v) => {
      try {
        return protocols.includes(new URL(v).protocol);
      } catch {
        return false;
      }
    },
    { message: `expected a URL such as ${example}` },
  );

/** `off` (any case) and empty both disable a schedule; both become ''. */
const SCHEDULE_OFF = /^\s*(off)?\s*$/i;

/**
 * Problems of a cron expression as the scheduler sees it: BullMQ hands the pattern to cron-parser,
 * so the same parser decides here (a count of fields lets "99 * * * *" through to a crash at start).
 */
export function cronProblem(pattern: string): string | undefined {
  try {
    cronParser.parseExpression(pattern.trim());
    return undefined;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}

const cron = z
  .string()
  .transform((v) => (SCHEDULE_OFF.test(v) ? '' : v.trim()))
  .superRefine((v, ctx) => {
    const problem = v === '' ? undefined : v.split(/\s+/).length < 5 || v.split(/\s+/).length > 6 ? 'expected 5 or 6 fields' : cronProblem(v);
    if (problem) ctx.addIssue({ code: 'custom', message: `expected a cron expression such as "*/15 * * * *" (${problem}), or empty / off to disable` });
  });

const timeZone = z.string().refine(
  (tz) => {
    try {
      new Intl.DateTimeFormat('en', { timeZone: tz });
      return true;
    } catch {
      return false;
    }
  },
  { message: 'expected an IANA time zone such as Europe/Istanbul' },
);

const envSchema = z.object({
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  LOG_PRETTY: bool(false),

  WEB_DATABASE_URL: url(['postgres:', 'postgresql:'], 'postgres://user:password@host:5432/postgres'),
  WEB_DB_POOL_MAX: int(10, 1, 200),
  WEB_DB_SSL: bool(false),

  ERP_DIALECT: z.enum(['mssql', 'pg'], { message: 'expected mssql (SQL Server) or pg (PostgreSQL stand-in)' }).default('mssql'),
  ERP_DATABASE_URL: z.string().optional(),
  MSSQL_SERVER: z.string().optional(),
  MSSQL_PORT: int(1433, 1, 65535),
  MSSQL_DATABASE: z.string().optional(),
  MSSQL_USER: z.string().optional(),
  MSSQL_PASSWORD: z.string().optional(),
  MSSQL_ENCRYPT: bool(false),
  MSSQL_TRUST_SERVER_CERTIFICATE: bool(true),
  ERP_POOL_MAX: int(10, 1, 200),
  ERP_REQUEST_TIMEOUT_MS: int(30000, 1000),
  ERP_LOCK_TIMEOUT_MS: int(15000, 100),
  ERP_USER_NO: int(1, 0, 32767),
  ERP_TIMEZONE: timeZone.default('Europe/Istanbul'),
  ERP_COMPANY_LABEL: z.string().max(50).default('FIRMA'),

  // --- invoices (sales, returns, purchases) ---
  ERP_DEPOT_NO: int(1, 0, 32767),
  VAT_POINTERS: z
    .string()
    .regex(/^\s*\d+(\.\d+)?:\d+\s*(,\s*\d+(\.\d+)?:\d+\s*)*$/, { message: 'expected rate:pointer pairs, e.g. 0:1,1:2,10:3,20:4,26:5' })
    .default('0:1,1:2,10:3,20:4,26:5'),
  INVOICE_EDIT_POLICY: z.enum(['repost', 'reject'], { message: 'expected repost or reject' }).default('repost'),
  SALES_POST_STATUSES: z.string().default('tamamlandi'),

  // --- stock (web -> Mikro: stock cards, barcodes, prices, counts, transfers, customers) ---
  STOCK_UNITS: z
    .string()
    .default('Adet,Kg,Gr,Lt,Ml,Mt,Cm,M2,M3,Koli,Paket,Kutu,Çift,Takım,Set,Düzine')
    .refine((v) => list(v).every((u) => [...u].length <= 10), { message: 'expected unit names of at most 10 characters, comma-separated' }),
  STOCK_CARD_DEFAULTS: z.string().refine((v) => columnValues(v) !== undefined, { message: 'expected a JSON object of column: text or number' }).optional(),
  CUSTOMER_CARD_DEFAULTS: z.string().refine((v) => columnValues(v) !== undefined, { message: 'expected a JSON object of column: text or number' }).optional(),
  STOCK_DOCUMENT_MOVEMENT_KINDS: z.string().default('satis,alis,iade,fatura'),
  STOCK_COUNT_DEPOT_NO: int(1, 0, 32767),
  STOCK_COUNT_SERIES: z.string().max(10).default(''),
  STOCK_COUNT_EXPENSE_CODE: z.string().max(25).default('SAYIM'),
  STOCK_TRANSFER_KINDS: z.string().default('transfer,depo_transfer'),
  STOCK_TRANSFER_SERIES: z.string().max(10).default(''),
  STOCK_TRANSFER_STH_TIP: int(2, 0, 255),
  STOCK_TRANSFER_STH_CINS: int(6, 0, 255),
  STOCK_TRANSFER_STH_EVRAKTIP: int(2, 0, 255),

  REDIS_URL: url(['redis:', 'rediss:'], 'redis://127.0.0.1:6379').default('redis://127.0.0.1:6379'),
  ...REDIS_ENV,

  WORKER_CONCURRENCY: int(8, 1, 256),
  MAX_RETRY_COUNT: int(3, 1, 50),
  RETRY_BACKOFF_MS: int(2000, 10),
  NOT_READY_RETRY_MS: int(10000, 100),
  NOT_READY_MAX_WAIT_MS: int(3_600_000, 1000),
  SHUTDOWN_TIMEOUT_MS: int(20000, 100),
  STALLED_INTERVAL_MS: int(15000, 500),
  JOB_LOCK_DURATION_MS: int(30000, 1000),
  JOB_MAX_STALLED: int(5, 1, 100),
  TRANSIENT_RETRY_FOR: duration('24h', 1000),
  TRANSIENT_BACKOFF_MAX: duration('5m', 100),
  BREAKER_FAILURES: int(3, 1, 1000),
  BREAKER_PROBE_MS: int(3000, 100),
  OUTAGE_ALERT_GRACE_MS: int(30000, 0),
  WORKER_HEARTBEAT_MS: int(10_000, 100, 600_000),

  OUTBOX_DEBOUNCE_MS: int(300, 0, 600_000),
  OUTBOX_DOCUMENT_DEBOUNCE_MS: int(500, 0, 600_000),
  OUTBOX_SWEEP_INTERVAL_MS: int(5000, 200),
  OUTBOX_RECHECK_AFTER_MS: int(30000, 100),
  OUTBOX_RETENTION_DAYS: int(30, 1, 3650),

  SCHEDULE_TIMEZONE: timeZone.default('Europe/Istanbul'),
  SCHEDULE_HOUSEKEEPING: cron.default('30 3 * * *'),
  SCHEDULE_CATALOG: cron.default('*/15 * * * *'),
  SCHEDULE_ENTEGRA: cron.default('*/10 * * * *'),
  SCHEDULE_STOCK_XML: cron.default('0 * * * *'),
  STOCK_XML_HOURS: z
    .string()
    .regex(/^(\s*([01]?\d|2[0-3])\s*)(,\s*([01]?\d|2[0-3])\s*)*$/, { message: 'expected hours of the day, e.g. 13,17' })
    .optional(),
  SCHEDULE_BITRIX: cron.default('*/5 * * * *'),

  // --- catalog (ERP -> Web master data, movements, on-hand, deletions) ---
  CATALOG_BATCH_SIZE: int(10_000, 1, 50_000),
  CATALOG_WRITE_METHOD: z.enum(['unnest', 'copy'], { message: 'expected unnest or copy' }).default('unnest'),
  CATALOG_ONHAND_FULL_PASS_MINUTES: int(1440, 0, 525_600),
  CATALOG_RECONCILE_INTERVAL_MINUTES: int(1440, 0, 525_600),
  CATALOG_DELETE_GUARD_SHARE: z
    .string()
    .default('0.05')
    .refine((v) => /^\d*(\.\d+)?$/.test(v.trim()) && Number(v) >= 0 && Number(v) <= 1, { message: 'expected a share from 0 to 1, e.g. 0.05' })
    .transform(Number),
  CATALOG_DELETE_GUARD_MIN: int(10, 0, 1_000_000),
  CATALOG_DELETE_LOG_RETENTION_DAYS: int(7, 0, 3650),
  CATALOG_RETRY_MAX: int(20_000, 0, 1_000_000),

  // --- bitrix (Bitrix24 -> PostgreSQL) ---
  // The inbound webhook URL holds a credential (its code): never logged, never echoed in errors.
  // Optional: without it only the bitrix cycle fails (PermanentError naming this variable).
  BITRIX_WEBHOOK_URL: z
    .string()
    .refine((v) => /^https?:\/\/[^/\s]+\/rest\/\d+\/[^/\s]+\/?$/.test(v.trim()) && (v.startsWith('https:') || isLoopbackHost(new URL(v).hostname)), {
      message: 'expected the inbound webhook URL https://PORTAL/rest/USER_ID/CODE/ (https is required by Bitrix24)',
    })
    .optional(),
  BITRIX_DATABASE_URL: url(['postgres:', 'postgresql:'], 'postgres://user:password@host:5432/crm').optional(),
  BITRIX_RATE_PER_SECOND: z
    .string()
    .default('2')
    .refine((v) => /^\d+(\.\d+)?$/.test(v.trim()) && Number(v) > 0 && Number(v) <= 1000, { message: 'expected requests per second, e.g. 2 (5 on Enterprise)' })
    .transform(Number),
  BITRIX_RATE_BURST: int(50, 1, 10_000),
  BITRIX_OPERATING_LIMIT_SECONDS: int(480, 1, 100_000),
  BITRIX_BATCH_CALLS: int(50, 1, 50),
  BITRIX_OVERLAP_SECONDS: int(120, 0, 86_400),
  BITRIX_DIRECTORY_EVERY: int(10, 1, 10_000),
  BITRIX_RECONCILE_INTERVAL_MINUTES: int(60, 0, 525_600),
  BITRIX_DELETE_GUARD_SHARE: z
    .string()
    .default('0.05')
    .refine((v) => /^\d*(\.\d+)?$/.test(v.trim()) && Number(v) >= 0 && Number(v) <= 1, { message: 'expected a share from 0 to 1, e.g. 0.05' })
    .transform(Number),
  BITRIX_DELETE_GUARD_MIN: int(10, 0, 1_000_000),
  BITRIX_TIMEOUT_MS: int(70_000, 100, 600_000),
  BITRIX_RETRIES: int(5, 0, 20),
  BITRIX_RETRY_BASE_MS: int(1000, 1, 60_000),

  // --- entegra (Entegra SQLite file <-> web mirror) ---
  // Optional: without it the entegra task fails (manual run) or is skipped (schedule) naming it.
  ENTEGRA_DB_PATH: z.string().optional(),
  ENTEGRA_TIMEZONE: timeZone.default('Europe/Istanbul'),
  ENTEGRA_BUSY_TIMEOUT_MS: int(250, 0, 10_000),
  ENTEGRA_LOCK_WAIT_MS: int(60_000, 0, 3_600_000),
  ENTEGRA_LOCK_RETRY_MS: int(200, 10, 60_000),

  // --- stock XML feed (xml domain); SSH_* and FTP_XML_NAME keep the original's names ---
  SSH_HOST: z.string().optional(), // unset: the feed is written locally only (warning in the run summary)
  SSH_PORT: int(22, 1, 65535),
  SSH_USER: z.string().default('root'),
  SSH_PRIVATE_KEY_PATH: z.string().optional(),
  SSH_REMOTE_PATH: z.string().default('/var/www/html/'),
  SSH_HOST_FINGERPRINT: z
    .string()
    .refine((v) => v.split(',').every((f) => /^SHA256:[A-Za-z0-9+/]{43}$/.test(f.trim())), {
      message: 'expected SHA256:... as printed by ssh-keygen -lf (comma-separated for several keys)',
    })
    .optional(),
  SSH_CONNECT_TIMEOUT_MS: int(20_000, 1000, 600_000),
  FTP_XML_NAME: z
    .string()
    .default('sadece-stoklar.xml')
    .refine((v) => /^[^/\\\0]+$/.test(v) && v !== '.' && v !== '..', { message: 'expected a file name without a directory, e.g. sadece-stoklar.xml' }),
  STOCK_XML_DISTRIBUTE: z
    .string()
    .refine((v) => stockXmlCommands(v) !== undefined, { message: 'expected a JSON array of shell commands, or one command per line' })
    .optional(),
  STOCK_XML_COMMAND_TIMEOUT_MS: int(120_000, 1000, 3_600_000),
  STOCK_XML_OUTPUT_DIR: z.string().optional(),
  // 1000: a page's objects die young. At 5000 they outlive the young generation and the old space
  // grows with garbage (feed of 100k items: peak RSS 98 MB against 162 MB, same time).
  STOCK_XML_PAGE_SIZE: int(1000, 1, 50_000),

  // --- operations: staleness, alerts, log files ---
  STALE_RECORDS_SECONDS: int(300, 10),
  ALERT_WEBHOOK_URL: url(['http:', 'https:'], 'https://hooks.slack.com/services/…').optional(),
  ALERT_SMTP_URL: url(['smtp:', 'smtps:'], 'smtp://user:password@mail.example.com:587').optional(),
  ALERT_EMAIL_FROM: z.string().default('mikrosync@localhost'),
  ALERT_EMAIL_TO: z.string().optional(),
  ALERT_GROUP_MINUTES: int(5, 0, 1440),
  ALERT_CHECK_INTERVAL_MS: int(30000, 200),
  LOG_DIR: z.string().optional(),
  LOG_FILE_MAX_MB: int(10, 1, 10_000),
  LOG_FILE_KEEP: int(10, 1, 1000),

  HTTP_HOST: z.string().default('127.0.0.1'),
  HTTP_PORT: int(3456, 0, 65535),
  ADMIN_USER: z.string().optional(),
  ADMIN_PASSWORD: z.string().optional(),
  // Roles of the status page besides the admin (Bull Board): an operator acts, a viewer only reads.
  OPERATOR_USER: z.string().optional(),
  OPERATOR_PASSWORD: z.string().optional(),
  VIEWER_USER: z.string().optional(),
  VIEWER_PASSWORD: z.string().optional(),
  // The daily summary e-mail (through ALERT_SMTP_URL): local time HH:MM, empty = not sent.
  SUMMARY_EMAIL_TIME: z
    .string()
    .default('')
    .refine((v) => v === '' || /^([01]\d|2[0-3]):[0-5]\d$/.test(v), { message: 'expected a time HH:MM, e.g. 07:30, or empty' }),
  SUMMARY_EMAIL_TO: z.string().optional(),
  HTTP_ALLOWED_HOSTS: z
    .string()
    .optional()
    .refine((v) => v === undefined || hostList(v).every((h) => /^([a-z0-9-]+\.)*[a-z0-9-]+$|^\[[0-9a-f:.]+\]$/i.test(h)), {
      message: 'expected host names or addresses without scheme or port, comma-separated, e.g. sync.example.com,192.168.1.10',
    }),
  METRICS_TOKEN: z.string().min(16, { message: 'expected at least 16 characters' }).optional(),
});

type Env = z.infer<typeof envSchema>;

/** The cron variables: empty or `off` disables the schedule (the default applies only when unset). */
const SCHEDULE_VARIABLES = new Set(['SCHEDULE_HOUSEKEEPING', 'SCHEDULE_CATALOG', 'SCHEDULE_ENTEGRA', 'SCHEDULE_STOCK_XML', 'SCHEDULE_BITRIX']);

/** STOCK_XML_DISTRIBUTE: a JSON array of commands, or one command per line; undefined when malformed. */
export function stockXmlCommands(value: string | undefined): string[] | undefined {
  const v = value?.trim() ?? '';
  if (v === '') return [];
  if (!v.startsWith('[')) return v.split(/\r?\n/).map((c) => c.trim()).filter(Boolean);
  try {
    const parsed: unknown = JSON.parse(v);
    return Array.isArray(parsed) && parsed.every((c) => typeof c === 'string' && c.trim() !== '') ? (parsed as string[]) : undefined;
  } catch {
    return undefined;
  }
}

/** A comma-separated list, trimmed, without empty entries. */
function list(value: string): string[] {
  return value.split(',').map((v) => v.trim()).filter(Boolean);
}

/** STOCK_CARD_DEFAULTS / CUSTOMER_CARD_DEFAULTS: a JSON object of column -> text or number; undefined when malformed. */
export function columnValues(value: string | undefined): Record<string, string | number> | undefined {
  if (value === undefined || value.trim() === '') return {};
  try {
    const parsed: unknown = JSON.parse(value);
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return undefined;
    const entries = Object.entries(parsed as Record<string, unknown>);
    return entries.every(([, v]) => typeof v === 'string' || (typeof v === 'number' && Number.isFinite(v))) ? (parsed as Record<string, string | number>) : undefined;
  } catch {
    return undefined;
  }
}

export interface Config {
  log: { level: Env['LOG_LEVEL']; pretty: boolean };
  web: { url: string; poolMax: number; ssl: boolean };
  erp: {
    dialect: 'mssql' | 'pg';
    url: string | undefined;
    mssql: {
      server: string;
      port: number;
      database: string;
      user: string | undefined;
      password: string | undefined;
      encrypt: boolean;
      trustServerCertificate: boolean;
    };
    poolMax: number;
    requestTimeoutMs: number;
    lockTimeoutMs: number;
    userNo: number;
    timeZone: string;
    companyLabel: string;
  };
  invoices: {
    depotNo: number;
    /** "rate:pointer,..." (parsed by the mappers). */
    vatPointers: string;
    /** What an edit of a posted document does: re-post in place, or reject as a conflict. */
    editPolicy: 'repost' | 'reject';
    /** Sales whose status (durum / satis_durumu) is in this list are posted; others wait. */
    salesPostStatuses: string[];
  };
  stock: {
    /** Units a web stock card may carry, in Mikro's spelling (matched case-insensitively). */
    units: string[];
    /** Column values over the traced defaults of a new STOKLAR / CARI_HESAPLAR row. */
    cardDefaults: Record<string, string | number>;
    customerDefaults: Record<string, string | number>;
    /** stok_hareketleri kinds posted with their documents by other flows (nothing to write here). */
    documentMovementKinds: string[];
    count: { depotNo: number; series: string; expenseCode: string };
    /** Inter-depot slips: kinds on the web, and Mikro's codes (untraced, configurable). */
    transfer: { kinds: string[]; series: string; sthTip: number; sthCins: number; sthEvrakTip: number };
  };
  redis: RedisConfig;
  worker: {
    concurrency: number;
    attempts: number;
    backoffMs: number;
    notReadyRetryMs: number;
    notReadyMaxWaitMs: number;
    shutdownTimeoutMs: number;
    stalledIntervalMs: number;
    lockDurationMs: number;
    /** A job that stopped its worker process this many times in a row (while others completed) is dead-lettered. */
    maxStalled: number;
    /** Every worker process writes a heartbeat this often; it counts for three intervals. */
    heartbeatMs: number;
    /** How long a transient failure is retried (since the job's first one) before the dead-letter queue. */
    transientRetryForMs: number;
    /** Cap of the exponential backoff between transient retries. */
    transientBackoffMaxMs: number;
    /** Consecutive connection failures that open a dependency's circuit breaker. */
    breakerFailures: number;
    /** How often an open breaker asks its dependency whether it answers again. */
    breakerProbeMs: number;
  };
  outbox: { debounceMs: number; documentDebounceMs: number; sweepIntervalMs: number; recheckAfterMs: number; retentionDays: number };
  schedules: {
    timeZone: string;
    housekeeping: string;
    catalog: string;
    entegra: string;
    stockXml: string;
    /** Extra fixed hours of the stock XML run (STOCK_XML_HOURS=13,17). */
    stockXmlHours: number[];
    bitrix: string;
  };
  entegra: {
    /** The Entegra database file (db.s3db); undefined: the entegra task cannot run. */
    dbPath: string | undefined;
    /** Zone of Entegra's naive local times and of the "first run of the day". */
    timeZone: string;
    /** SQLite's own per-statement lock wait (blocks the worker's event loop: keep it short). */
    busyTimeoutMs: number;
    /** How long a read or write keeps retrying a locked file before the job fails and retries later. */
    lockWaitMs: number;
    /** First pause between attempts on a locked file (doubles up to 2 s). */
    lockRetryMs: number;
  };
  catalog: {
    /** Rows per ERP page and per web statement (a statement binds one array per column, not per row). */
    batchSize: number;
    /** How a batch reaches PostgreSQL: array parameters through unnest, or COPY into a staging table. */
    writeMethod: 'unnest' | 'copy';
    /** Stock on hand is read in full when the last full pass is older than this (0: every run). */
    onHandFullPassMinutes: number;
    /** Key reconciliation of tables without a delete trigger (0: every run). */
    reconcileIntervalMinutes: number;
    /** A run may remove at most this share of a table's ERP rows on the web ... */
    deleteGuardShare: number;
    /** ... unless it removes at most this many rows. */
    deleteGuardMin: number;
    /** Applied entries of our ERP delete log are purged after this many days. */
    deleteLogRetentionDays: number;
    /** Rows waiting for a parent, per table, before the run stops with an alert. */
    retryMax: number;
  };
  http: {
    host: string;
    port: number;
    adminUser: string | undefined;
    adminPassword: string | undefined;
    /** May re-enqueue, fix mappings and run flows, not use Bull Board. */
    operatorUser: string | undefined;
    operatorPassword: string | undefined;
    /** Reads the status page only. */
    viewerUser: string | undefined;
    viewerPassword: string | undefined;
    /** Local time (HH:MM) of the daily summary e-mail; '' = none. */
    summaryEmailTime: string;
    summaryEmailTo: string[];
    /** Host header names accepted on every route (lower case; IPv6 in brackets). */
    allowedHosts: string[];
    /** Bearer token for /metrics on a non-loopback address (the admin login works too). */
    metricsToken: string | undefined;
  };
  ops: {
    /** A record flow with an open outbox event older than this is stale. */
    staleRecordsSeconds: number;
    alertWebhookUrl: string | undefined;
    alertSmtpUrl: string | undefined;
    alertEmailFrom: string;
    alertEmailTo: string[];
    /** At most one dead-letter message per flow in this many minutes. */
    alertGroupMinutes: number;
    alertCheckIntervalMs: number;
    /** A dependency down this long is announced (shorter blips are not). */
    outageAlertGraceMs: number;
    logDir: string | undefined;
    logFileMaxMb: number;
    logFileKeep: number;
  };
  stockXml: {
    fileName: string;
    /** Local directory of the feed file; undefined: <os tmpdir>/mikrosync-stock-xml. */
    outputDir: string | undefined;
    pageSize: number;
    /** Shell commands run on the feed server before the new feed goes live (FEED_PATH etc. set). */
    distribute: string[];
    commandTimeoutMs: number;
    ssh: {
      /** Undefined: no upload, the feed is only written locally. */
      host: string | undefined;
      port: number;
      user: string;
      privateKeyPath: string | undefined;
      remotePath: string;
      /** Pinned host key fingerprints; empty: any key is accepted with a warning. */
      hostFingerprints: string[];
      connectTimeoutMs: number;
    };
  };
  bitrix: {
    /** Inbound webhook URL (secret); undefined: the bitrix cycle fails with a PermanentError. */
    webhookUrl: string | undefined;
    /** Target database of the `bitrix` schema; undefined: the web database. */
    databaseUrl: string | undefined;
    ratePerSecond: number;
    burst: number;
    operatingLimitSeconds: number;
    batchCalls: number;
    overlapSeconds: number;
    directoryEvery: number;
    reconcileIntervalMinutes: number;
    deleteGuardShare: number;
    deleteGuardMin: number;
    timeoutMs: number;
    retries: number;
    retryBaseMs: number;
  };
}

/** Names of variables whose values must never appear in a log line or an error message. */
export const SECRET_VARIABLES = ['WEB_DATABASE_URL', 'ERP_DATABASE_URL', 'MSSQL_PASSWORD', 'ADMIN_PASSWORD', 'OPERATOR_PASSWORD', 'VIEWER_PASSWORD', 'REDIS_URL', 'REDIS_PASSWORD', 'REDIS_SENTINEL_PASSWORD', 'BITRIX_WEBHOOK_URL', 'BITRIX_DATABASE_URL', 'METRICS_TOKEN'];

/** Literal loopback names only: a name such as `127.evil.example` is a DNS name like any other. */
export function isLoopbackHost(host: string): boolean {
  const h = host.toLowerCase().replace(/^\[(.*)\]$/, '$1');
  if (h === 'localhost' || h === '::1') return true;
  const v4 = h.startsWith('::ffff:') ? h.slice(7) : h;
  return isIPv4(v4) && v4.startsWith('127.');
}

function hostList(value: string): string[] {
  return value.split(',').map((h) => h.trim().toLowerCase()).filter(Boolean);
}

/**
 * The names the HTTP server answers to (its Host header): the loopback names always, plus
 * HTTP_ALLOWED_HOSTS, or HTTP_HOST when that is one specific address. Any other name is what a
 * DNS-rebinding page sends.
 */
function allowedHosts(e: Env): string[] {
  const own = e.HTTP_ALLOWED_HOSTS !== undefined ? hostList(e.HTTP_ALLOWED_HOSTS) : ['0.0.0.0', '::', '[::]'].includes(e.HTTP_HOST) ? [] : [e.HTTP_HOST.toLowerCase()];
  return [...new Set(['localhost', '127.0.0.1', '[::1]', ...own])];
}

/**
 * Validates the environment. Throws ConfigError listing every problem as
 * `NAME: expected ...` so an operator can fix all of them at once.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  // Empty strings count as "not set" so that `FOO=` in .env falls back to the default; but an empty
  // schedule is a decision (the schedule is off), so SCHEDULE_* keep theirs.
  const cleaned: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined && (v !== '' || SCHEDULE_VARIABLES.has(k))) cleaned[k] = v;

  const parsed = envSchema.safeParse(cleaned);
  const problems: string[] = [];
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const name = String(issue.path[0] ?? '?');
      const msg = cleaned[name] === undefined && issue.code === 'invalid_type' ? `required: ${issue.message}` : issue.message;
      problems.push(`${name}: ${msg}`);
    }
  }
  // Checks across variables run on the raw values too, so every problem is reported at once.
  const e = parsed.success
    ? parsed.data
    : ({
        ERP_DIALECT: cleaned.ERP_DIALECT ?? 'mssql',
        ERP_DATABASE_URL: cleaned.ERP_DATABASE_URL,
        MSSQL_SERVER: cleaned.MSSQL_SERVER,
        MSSQL_DATABASE: cleaned.MSSQL_DATABASE,
        MSSQL_USER: cleaned.MSSQL_USER,
        MSSQL_PASSWORD: cleaned.MSSQL_PASSWORD,
        HTTP_HOST: cleaned.HTTP_HOST ?? '127.0.0.1',
        ADMIN_USER: cleaned.ADMIN_USER,
        ADMIN_PASSWORD: cleaned.ADMIN_PASSWORD,
      } as Env);

  if (e.ERP_DIALECT === 'pg') {
    if (!e.ERP_DATABASE_URL) problems.push('ERP_DATABASE_URL: required when ERP_DIALECT=pg: a URL such as postgres://postgres@127.0.0.1:5432/mikro');
    else if (!/^postgres(ql)?:\/\//.test(e.ERP_DATABASE_URL)) problems.push('ERP_DATABASE_URL: expected a URL such as postgres://postgres@127.0.0.1:5432/mikro');
  } else if (e.ERP_DIALECT === 'mssql') {
    if (!e.MSSQL_SERVER) problems.push('MSSQL_SERVER: required when ERP_DIALECT=mssql: the SQL Server host name, e.g. localhost');
    if (!e.MSSQL_DATABASE) problems.push('MSSQL_DATABASE: required when ERP_DIALECT=mssql: the Mikro database, e.g. MikroDB_V15_02');
    if (!e.MSSQL_USER || !e.MSSQL_PASSWORD) problems.push('MSSQL_USER / MSSQL_PASSWORD: required when ERP_DIALECT=mssql (SQL authentication)');
  }
  if (!isLoopbackHost(e.HTTP_HOST) && (!e.ADMIN_USER || !e.ADMIN_PASSWORD)) {
    problems.push(
      `ADMIN_USER / ADMIN_PASSWORD: required when HTTP_HOST (${e.HTTP_HOST}) is not a loopback address: the dashboard and Bull Board would be open to the network`,
    );
  }
  problems.push(...redisConfigProblems(cleaned));
  if (e.ADMIN_PASSWORD !== undefined && e.ADMIN_PASSWORD.length < 8) problems.push('ADMIN_PASSWORD: expected at least 8 characters');
  for (const role of ['OPERATOR', 'VIEWER'] as const) {
    const user = e[`${role}_USER`];
    const password = e[`${role}_PASSWORD`];
    if (Boolean(user) !== Boolean(password)) problems.push(`${role}_USER / ${role}_PASSWORD: set both or neither`);
    if (password && password.length < 8) problems.push(`${role}_PASSWORD: expected at least 8 characters`);
  }
  if (problems.length || !parsed.success) throw new ConfigError(`Invalid configuration:\n  ${problems.join('\n  ')}`);

  return {
    log: { level: e.LOG_LEVEL, pretty: e.LOG_PRETTY },
    web: { url: e.WEB_DATABASE_URL, poolMax: e.WEB_DB_POOL_MAX, ssl: e.WEB_DB_SSL },
    erp: {
      dialect: e.ERP_DIALECT,
      url: e.ERP_DATABASE_URL,
      mssql: {
        server: e.MSSQL_SERVER ?? '',
        port: e.MSSQL_PORT,
        database: e.MSSQL_DATABASE ?? '',
        user: e.MSSQL_USER,
        password: e.MSSQL_PASSWORD,
        encrypt: e.MSSQL_ENCRYPT,
        trustServerCertificate: e.MSSQL_TRUST_SERVER_CERTIFICATE,
      },
      poolMax: e.ERP_POOL_MAX,
      requestTimeoutMs: e.ERP_REQUEST_TIMEOUT_MS,
      lockTimeoutMs: e.ERP_LOCK_TIMEOUT_MS,
      userNo: e.ERP_USER_NO,
      timeZone: e.ERP_TIMEZONE,
      companyLabel: e.ERP_COMPANY_LABEL,
    },
    invoices: {
      depotNo: e.ERP_DEPOT_NO,
      vatPointers: e.VAT_POINTERS,
      editPolicy: e.INVOICE_EDIT_POLICY,
      salesPostStatuses: e.SALES_POST_STATUSES.split(',').map((v) => v.trim()).filter(Boolean),
    },
    stock: {
      units: list(e.STOCK_UNITS),
      cardDefaults: columnValues(e.STOCK_CARD_DEFAULTS) ?? {},
      customerDefaults: columnValues(e.CUSTOMER_CARD_DEFAULTS) ?? {},
      documentMovementKinds: list(e.STOCK_DOCUMENT_MOVEMENT_KINDS).map((k) => k.toLowerCase()),
      count: { depotNo: e.STOCK_COUNT_DEPOT_NO, series: e.STOCK_COUNT_SERIES, expenseCode: e.STOCK_COUNT_EXPENSE_CODE },
      transfer: {
        kinds: list(e.STOCK_TRANSFER_KINDS).map((k) => k.toLowerCase()),
        series: e.STOCK_TRANSFER_SERIES,
        sthTip: e.STOCK_TRANSFER_STH_TIP,
        sthCins: e.STOCK_TRANSFER_STH_CINS,
        sthEvrakTip: e.STOCK_TRANSFER_STH_EVRAKTIP,
      },
    },
    redis: redisConfig(e),
    worker: {
      concurrency: e.WORKER_CONCURRENCY,
      attempts: e.MAX_RETRY_COUNT,
      backoffMs: e.RETRY_BACKOFF_MS,
      notReadyRetryMs: e.NOT_READY_RETRY_MS,
      notReadyMaxWaitMs: e.NOT_READY_MAX_WAIT_MS,
      shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
      stalledIntervalMs: e.STALLED_INTERVAL_MS,
      lockDurationMs: e.JOB_LOCK_DURATION_MS,
      maxStalled: e.JOB_MAX_STALLED,
      heartbeatMs: e.WORKER_HEARTBEAT_MS,
      transientRetryForMs: e.TRANSIENT_RETRY_FOR,
      transientBackoffMaxMs: e.TRANSIENT_BACKOFF_MAX,
      breakerFailures: e.BREAKER_FAILURES,
      breakerProbeMs: e.BREAKER_PROBE_MS,
    },
    outbox: {
      debounceMs: e.OUTBOX_DEBOUNCE_MS,
      documentDebounceMs: e.OUTBOX_DOCUMENT_DEBOUNCE_MS,
      sweepIntervalMs: e.OUTBOX_SWEEP_INTERVAL_MS,
      recheckAfterMs: e.OUTBOX_RECHECK_AFTER_MS,
      retentionDays: e.OUTBOX_RETENTION_DAYS,
    },
    schedules: {
      timeZone: e.SCHEDULE_TIMEZONE,
      housekeeping: e.SCHEDULE_HOUSEKEEPING,
      catalog: e.SCHEDULE_CATALOG,
      entegra: e.SCHEDULE_ENTEGRA,
      stockXml: e.SCHEDULE_STOCK_XML,
      stockXmlHours: e.STOCK_XML_HOURS ? e.STOCK_XML_HOURS.split(',').map((h) => Number.parseInt(h, 10)) : [],
      bitrix: e.SCHEDULE_BITRIX,
    },
    entegra: {
      dbPath: e.ENTEGRA_DB_PATH?.trim() || undefined,
      timeZone: e.ENTEGRA_TIMEZONE,
      busyTimeoutMs: e.ENTEGRA_BUSY_TIMEOUT_MS,
      lockWaitMs: e.ENTEGRA_LOCK_WAIT_MS,
      lockRetryMs: e.ENTEGRA_LOCK_RETRY_MS,
    },
    catalog: {
      batchSize: e.CATALOG_BATCH_SIZE,
      writeMethod: e.CATALOG_WRITE_METHOD,
      onHandFullPassMinutes: e.CATALOG_ONHAND_FULL_PASS_MINUTES,
      reconcileIntervalMinutes: e.CATALOG_RECONCILE_INTERVAL_MINUTES,
      deleteGuardShare: e.CATALOG_DELETE_GUARD_SHARE,
      deleteGuardMin: e.CATALOG_DELETE_GUARD_MIN,
      deleteLogRetentionDays: e.CATALOG_DELETE_LOG_RETENTION_DAYS,
      retryMax: e.CATALOG_RETRY_MAX,
    },
    http: {
      host: e.HTTP_HOST,
      port: e.HTTP_PORT,
      adminUser: e.ADMIN_USER,
      adminPassword: e.ADMIN_PASSWORD,
      operatorUser: e.OPERATOR_USER || undefined,
      operatorPassword: e.OPERATOR_PASSWORD || undefined,
      viewerUser: e.VIEWER_USER || undefined,
      viewerPassword: e.VIEWER_PASSWORD || undefined,
      summaryEmailTime: e.SUMMARY_EMAIL_TIME,
      summaryEmailTo: list(e.SUMMARY_EMAIL_TO ?? ''),
      allowedHosts: allowedHosts(e),
      metricsToken: e.METRICS_TOKEN,
    },
    ops: {
      staleRecordsSeconds: e.STALE_RECORDS_SECONDS,
      alertWebhookUrl: e.ALERT_WEBHOOK_URL,
      alertSmtpUrl: e.ALERT_SMTP_URL,
      alertEmailFrom: e.ALERT_EMAIL_FROM,
      alertEmailTo: (e.ALERT_EMAIL_TO ?? '').split(',').map((v) => v.trim()).filter(Boolean),
      alertGroupMinutes: e.ALERT_GROUP_MINUTES,
      alertCheckIntervalMs: e.ALERT_CHECK_INTERVAL_MS,
      outageAlertGraceMs: e.OUTAGE_ALERT_GRACE_MS,
      logDir: e.LOG_DIR,
      logFileMaxMb: e.LOG_FILE_MAX_MB,
      logFileKeep: e.LOG_FILE_KEEP,
    },
    stockXml: {
      fileName: e.FTP_XML_NAME,
      outputDir: e.STOCK_XML_OUTPUT_DIR,
      pageSize: e.STOCK_XML_PAGE_SIZE,
      distribute: stockXmlCommands(e.STOCK_XML_DISTRIBUTE) ?? [],
      commandTimeoutMs: e.STOCK_XML_COMMAND_TIMEOUT_MS,
      ssh: {
        host: e.SSH_HOST?.trim() || undefined,
        port: e.SSH_PORT,
        user: e.SSH_USER,
        privateKeyPath: e.SSH_PRIVATE_KEY_PATH,
        remotePath: e.SSH_REMOTE_PATH,
        hostFingerprints: e.SSH_HOST_FINGERPRINT ? e.SSH_HOST_FINGERPRINT.split(',').map((f) => f.trim()) : [],
        connectTimeoutMs: e.SSH_CONNECT_TIMEOUT_MS,
      },
    },
    bitrix: {
      webhookUrl: e.BITRIX_WEBHOOK_URL?.trim(),
      databaseUrl: e.BITRIX_DATABASE_URL,
      ratePerSecond: e.BITRIX_RATE_PER_SECOND,
      burst: e.BITRIX_RATE_BURST,
      operatingLimitSeconds: e.BITRIX_OPERATING_LIMIT_SECONDS,
      batchCalls: e.BITRIX_BATCH_CALLS,
      overlapSeconds: e.BITRIX_OVERLAP_SECONDS,
      directoryEvery: e.BITRIX_DIRECTORY_EVERY,
      reconcileIntervalMinutes: e.BITRIX_RECONCILE_INTERVAL_MINUTES,
      deleteGuardShare: e.BITRIX_DELETE_GUARD_SHARE,
      deleteGuardMin: e.BITRIX_DELETE_GUARD_MIN,
      timeoutMs: e.BITRIX_TIMEOUT_MS,
      retries: e.BITRIX_RETRIES,
      retryBaseMs: e.BITRIX_RETRY_BASE_MS,
    },
  };
}
