/**
 * The kinds of value a setting can take, each a zod schema over the raw environment string. A
 * field's default is the string an operator would write, so `.env.example` can show it as is.
 * Messages read `expected …`: loadConfig prefixes the variable's name.
 */
import { z } from 'zod';
import cronParser from 'cron-parser';

/** What a field tells beyond its type: shown in `.env.example`, and how loadConfig treats it. */
export interface FieldMeta {
  description?: string;
  /** Its value must never appear in a log line or an error message. */
  secret?: boolean;
  /** An empty value is a decision (a schedule switched off), not "unset". */
  emptyIsValue?: boolean;
  /** What `.env.example` shows for a variable without a default. */
  example?: string;
}

/** Marks a variable whose value must never be logged (see SECRET_VARIABLES). */
export const secret = <T extends z.ZodType>(field: T): T => field.meta({ secret: true } satisfies FieldMeta);

/** The value `.env.example` shows for a required variable (it has no default to show). */
export const example = <T extends z.ZodType>(field: T, value: string): T => field.meta({ example: value } satisfies FieldMeta);

export const bool = (def: boolean) =>
  z
    .enum(['true', 'false', '1', '0', 'yes', 'no'], { message: 'expected true or false' })
    .default(def ? 'true' : 'false')
    .transform((v) => v === 'true' || v === '1' || v === 'yes');

export const int = (def: number, min: number, max = Number.MAX_SAFE_INTEGER) =>
  z
    .string()
    .default(String(def))
    .refine((v) => /^-?\d+$/.test(v.trim()), { message: `expected a whole number (${min}..${max})` })
    .transform((v) => Number.parseInt(v, 10))
    .refine((n) => n >= min && n <= max, { message: `expected a whole number from ${min} to ${max}` });

/** A number above 0 and at most `max` (fractions allowed). */
export const positive = (def: number, max: number, message: string) =>
  z
    .string()
    .default(String(def))
    .refine((v) => /^\d+(\.\d+)?$/.test(v.trim()) && Number(v) > 0 && Number(v) <= max, { message })
    .transform(Number);

/** A share from 0 to 1, e.g. of a table's rows. */
export const share = (def: number) =>
  z
    .string()
    .default(String(def))
    .refine((v) => /^\d*(\.\d+)?$/.test(v.trim()) && Number(v) >= 0 && Number(v) <= 1, { message: 'expected a share from 0 to 1, e.g. 0.05' })
    .transform(Number);

/** A comma-separated list, trimmed, without empty entries. */
export function splitList(value: string): string[] {
  return value.split(',').map((v) => v.trim()).filter(Boolean);
}

/** A comma-separated list (empty by default). */
export const list = (def = '') => z.string().default(def).transform(splitList);

/** A duration: milliseconds, or a number with ms, s, m, h or d ("24h", "5m"). */
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
export const duration = (def: string, minMs: number) =>
  z
    .string()
    .default(def)
    .refine((v) => /^\s*\d+\s*(ms|s|m|h|d)?\s*$/.test(v), { message: 'expected a duration such as 500ms, 30s, 5m, 24h or milliseconds' })
    .transform((v) => {
      const [, n, unit] = /^\s*(\d+)\s*(ms|s|m|h|d)?\s*$/.exec(v)!;
      return Number(n) * (UNIT_MS[unit ?? 'ms'] ?? 1);
    })
    .refine((ms) => ms >= minMs, { message: `expected at least ${minMs} ms` });

export const url = (protocols: string[], sample: string) =>
  z.string({ message: `a URL such as ${sample}` }).refine(
    (v) => {
      try {
        return protocols.includes(new URL(v).protocol);
      } catch {
        return false;
      }
    },
    { message: `expected a URL such as ${sample}` },
  );

export const timeZone = (def: string) =>
  z
    .string()
    .refine(
      (tz) => {
        try {
          new Intl.DateTimeFormat('en', { timeZone: tz });
          return true;
        } catch {
          return false;
        }
      },
      { message: 'expected an IANA time zone such as Europe/Istanbul' },
    )
    .default(def);

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

/** `off` (any case) and empty both disable a schedule; both become ''. */
const SCHEDULE_OFF = /^\s*(off)?\s*$/i;

/** A cron schedule: the default applies only when unset; empty or `off` switches it off. */
export const schedule = (def: string) =>
  z
    .string()
    .transform((v) => (SCHEDULE_OFF.test(v) ? '' : v.trim()))
    .superRefine((v, ctx) => {
      const fields = v.split(/\s+/).length;
      const problem = v === '' ? undefined : fields < 5 || fields > 6 ? 'expected 5 or 6 fields' : cronProblem(v);
      if (problem) ctx.addIssue({ code: 'custom', message: `expected a cron expression such as "*/15 * * * *" (${problem}), or empty / off to disable` });
    })
    .default(def)
    .meta({ emptyIsValue: true } satisfies FieldMeta);

/** The schemas a field is wrapped around (optional, default, the input of a transform), outermost first. */
function layers(field: z.ZodType): z.ZodType[] {
  const chain: z.ZodType[] = [];
  for (let f: z.ZodType | undefined = field; f; ) {
    chain.push(f);
    const def = f._zod.def as { type: string; innerType?: z.ZodType; in?: z.ZodType };
    f = def.type === 'pipe' ? def.in : def.innerType;
  }
  return chain;
}

/** A field's meta, whichever layer carries it (the outermost wins). */
export function fieldMeta(field: z.ZodType): FieldMeta {
  return Object.assign({}, ...layers(field).reverse().map((f) => z.globalRegistry.get(f) ?? {})) as FieldMeta;
}

/** The default as an operator writes it (before any transform), or undefined when there is none. */
export function fieldDefault(field: z.ZodType): string | undefined {
  const layer = layers(field).find((f) => f._zod.def.type === 'default');
  return layer ? String((layer._zod.def as { defaultValue?: unknown }).defaultValue) : undefined;
}
