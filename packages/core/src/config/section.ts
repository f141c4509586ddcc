/**
 * A section: the variables of one concern, declared once with their defaults and descriptions, and
 * how they become that concern's part of Config. `.env.example` is generated from the same fields.
 */
import { z } from 'zod';

export type Fields = z.ZodRawShape;
export type Values<F extends Fields> = z.output<z.ZodObject<F>>;

/** Reports a problem across variables; `name` may name several ("ADMIN_USER / ADMIN_PASSWORD"). */
export type Report = (name: string, message: string) => void;

export interface Section<F extends Fields, T> {
  /** Heading of the section's block in `.env.example`; further lines are notes on several variables. */
  readonly heading: string;
  readonly fields: F;
  readonly schema: z.ZodType<Values<F>>;
  readonly map: (e: Values<F>) => T;
}

/**
 * `check` holds the checks across variables of the section. It runs even when a field is malformed
 * (a malformed value reaches it as given, a missing one as its default), so that loadConfig reports
 * every problem at once instead of one round of fixes after another.
 */
export function section<F extends Fields, T>(heading: string, fields: F, map: (e: Values<F>) => T, check?: (e: Values<F>, report: Report) => void): Section<F, T> {
  const object = z.object(fields);
  const schema = check
    ? object.superRefine((e, ctx) => check(e, (name, message) => ctx.addIssue({ code: 'custom', path: [name], message })), { when: () => true })
    : object;
  return { heading, fields, schema, map };
}
