/**
 * Structured JSON logs (pino). Secrets never reach a line: known secret keys are redacted by
 * path, and credentials embedded in connection strings are masked wherever they appear, in
 * messages as well as in fields, because drivers like to put URLs into their error messages.
 */
import { pino, type Logger, type LoggerOptions, type DestinationStream } from 'pino';

export type { Logger } from 'pino';

const REDACT_PATHS = [
  'password',
  '*.password',
  '*.*.password',
  'secret',
  '*.secret',
  'token',
  '*.token',
  'authorization',
  '*.authorization',
  'headers.authorization',
  'req.headers.authorization',
  'req.headers.cookie',
  'connectionString',
  '*.connectionString',
  'ADMIN_PASSWORD',
  'MSSQL_PASSWORD',
  'WEB_DATABASE_URL',
  'ERP_DATABASE_URL',
  'REDIS_URL',
  'REDIS_PASSWORD',
  'REDIS_SENTINEL_PASSWORD',
  'webhook',
  '*.webhook',
  'webhookUrl',
  '*.webhookUrl',
  'BITRIX_WEBHOOK_URL',
  'ALERT_WEBHOOK_URL',
  'ALERT_SMTP_URL',
];

const URL_CREDENTIALS = /([a-z][a-z0-9+.-]*:\/\/)([^:@/\s]+):([^@/\s]+)@/gi;
const PASSWORD_PAIRS = /((?:password|pwd)\s*[=:]\s*)([^;\s,'"]+)/gi;
// Bitrix24 inbound webhooks carry their credential in the path: /rest/USER_ID/CODE/.
const WEBHOOK_CODES = /(\/rest\/\d+\/)([^/\s?#"']+)/gi;
// Slack-compatible incoming webhooks carry their secret in the path: /services/T…/B…/XXXX.
const SLACK_HOOKS = /(\/services\/)([^\s?#"']+)/gi;

/** Masks credentials inside free text (URLs with user:password@, `password=...` pairs). */
export function scrubSecrets(text: string): string {
  return text.replace(URL_CREDENTIALS, '$1$2:***@').replace(PASSWORD_PAIRS, '$1***').replace(WEBHOOK_CODES, '$1***').replace(SLACK_HOOKS, '$1***');
}

function scrubDeep(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return scrubSecrets(value);
  if (depth > 6 || value === null || typeof value !== 'object') return value;
  if (value instanceof Error) {
    return { type: value.name, message: scrubSecrets(value.message), stack: value.stack ? scrubSecrets(value.stack) : undefined };
  }
  if (Array.isArray(value)) return value.map((v) => scrubDeep(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = scrubDeep(v, depth + 1);
  return out;
}

export interface LoggerSettings {
  level?: string;
  pretty?: boolean;
  name?: string;
  /** Also write rotated files with the original tool's names: combined.log, error.log, sync.log. */
  logDir?: string;
  fileMaxMb?: number;
  fileKeep?: number;
  /** Write to stderr instead of stdout (operator commands keep stdout for their own output). */
  stderr?: boolean;
}

export function createLogger(settings: LoggerSettings = {}, destination?: DestinationStream): Logger {
  const options: LoggerOptions = {
    name: settings.name ?? 'mikrosync',
    level: settings.level ?? 'info',
    redact: { paths: REDACT_PATHS, censor: '***' },
    serializers: { err: (err: unknown) => scrubDeep(err), error: (err: unknown) => scrubDeep(err) },
    formatters: {
      log: (obj) => scrubDeep(obj) as Record<string, unknown>,
    },
    hooks: {
      logMethod(args, method) {
        const scrubbed: unknown[] = args.map((a) => (typeof a === 'string' ? scrubSecrets(a) : a));
        // pino copies an error's message into `msg` after our formatters ran: give it a scrubbed
        // message of its own when the caller logged an error without one.
        const first = scrubbed[0];
        const err = first instanceof Error ? first : (first as { err?: unknown } | undefined)?.err;
        if (err instanceof Error && typeof scrubbed[1] !== 'string') {
          scrubbed[0] = first instanceof Error ? { err: first } : first;
          scrubbed.splice(1, 0, scrubSecrets(err.message));
        }
        method.apply(this, scrubbed as Parameters<typeof method>);
      },
    },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  const fd = settings.stderr ? 2 : 1;
  if (settings.logDir && !destination) {
    const roll = (file: string, level: string) => ({
      target: 'pino-roll',
      level,
      options: { file: `${settings.logDir}/${file}`, size: `${settings.fileMaxMb ?? 10}m`, limit: { count: settings.fileKeep ?? 10 }, mkdir: true },
    });
    const console = settings.pretty
      ? { target: 'pino-pretty', level: options.level ?? 'info', options: { colorize: true, translateTime: 'SYS:standard', destination: fd } }
      : { target: 'pino/file', level: options.level ?? 'info', options: { destination: fd } };
    return pino({
      ...options,
      transport: { targets: [console, roll('combined.log', options.level ?? 'info'), roll('error.log', 'error'), roll('sync.log', 'info')] },
    });
  }
  if (settings.pretty && !destination) {
    return pino({ ...options, transport: { target: 'pino-pretty', options: { colorize: true, translateTime: 'SYS:standard', destination: fd } } });
  }
  return pino(options, destination ?? pino.destination({ dest: fd, sync: true }));
}
