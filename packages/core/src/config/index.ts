/**
 * One validated configuration, read once at start-up from the environment (and `.env`).
 * Each concern declares its variables once, in sections/: type, default, description (which
 * `.env.example` is generated from) and how they become its part of Config. A wrong or missing value
 * stops start-up with a message that names the variable and the expected form, never its value.
 */
import type { z } from 'zod';
import { ConfigError } from '../errors.js';
import { fieldMeta } from './fields.js';
import { bitrix } from './sections/bitrix.js';
import { catalog } from './sections/catalog.js';
import { entegra } from './sections/entegra.js';
import { erp } from './sections/erp.js';
import { http } from './sections/http.js';
import { invoices } from './sections/invoices.js';
import { log } from './sections/log.js';
import { ops } from './sections/ops.js';
import { outbox } from './sections/outbox.js';
import { redis } from './sections/redis.js';
import { schedules } from './sections/schedules.js';
import { stock } from './sections/stock.js';
import { worker } from './sections/worker.js';
import { web } from './sections/web.js';
import { stockXml } from './sections/xml.js';

export { cronProblem } from './fields.js';
export { isLoopbackHost } from './hosts.js';
export { columnValues } from './sections/stock.js';
export { stockXmlCommands } from './sections/xml.js';

/** Every section, in the order of `.env.example`; the keys are those of Config. */
export const SECTIONS = { log, web, erp, invoices, stock, redis, worker, outbox, schedules, catalog, bitrix, entegra, stockXml, ops, http };

export type Config = { [K in keyof typeof SECTIONS]: ReturnType<(typeof SECTIONS)[K]['map']> };

/** Every variable with its field, section by section. */
function allFields(): [string, z.ZodType][] {
  return Object.values(SECTIONS).flatMap((s) => Object.entries(s.fields as Record<string, z.ZodType>));
}

/** Names of variables whose values must never appear in a log line or an error message. */
export const SECRET_VARIABLES: string[] = allFields()
  .filter(([, field]) => fieldMeta(field).secret)
  .map(([name]) => name);

/** Variables whose empty value is a decision (a schedule switched off) rather than "unset". */
const EMPTY_IS_VALUE = new Set(allFields().filter(([, field]) => fieldMeta(field).emptyIsValue).map(([name]) => name));

/**
 * Validates the environment. Throws ConfigError listing every problem as
 * `NAME: expected ...` so an operator can fix all of them at once.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  // Empty strings count as "not set" so that `FOO=` in .env falls back to the default; but an empty
  // schedule is a decision (the schedule is off), so SCHEDULE_* keep theirs.
  const cleaned: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined && (v !== '' || EMPTY_IS_VALUE.has(k))) cleaned[k] = v;

  const problems: string[] = [];
  const config: Record<string, unknown> = {};
  for (const [key, s] of Object.entries(SECTIONS) as [string, (typeof SECTIONS)[keyof typeof SECTIONS]][]) {
    const parsed = s.schema.safeParse(cleaned);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        const name = String(issue.path[0] ?? '?');
        const msg = cleaned[name] === undefined && issue.code === 'invalid_type' ? `required: ${issue.message}` : issue.message;
        problems.push(`${name}: ${msg}`);
      }
    } else if (problems.length === 0) {
      config[key] = (s.map as (e: unknown) => unknown)(parsed.data);
    }
  }
  if (problems.length) throw new ConfigError(`Invalid configuration:\n  ${problems.join('\n  ')}`);
  return config as Config;
}
