/**
 * Generates .env.example from the configuration sections (packages/core/src/config/sections): each
 * section is a block under its heading, each variable is shown with its default (or, when it has
 * none, its example or nothing) and its `.describe()` text. A one-line description follows the value;
 * a longer one stands above the variable, line by line as written.
 * Run through `npm run generate` (and checked by `npm run generate:check`), like every generator.
 */
import { fieldDefault, fieldMeta } from '../packages/core/src/config/fields.js';
import { SECTIONS } from '../packages/core/src/config/index.js';

type Field = Parameters<typeof fieldMeta>[0];

const OUTPUT = '.env.example';

const HEADER = [
  '# mikrosync configuration. Copy to .env and adjust; every variable is shown with its default.',
  '# A wrong or missing value stops start-up with a message naming the variable.',
  '# Read from ./.env; MIKROSYNC_ENV_FILE=<file> in the environment names another file instead (npm run demo',
  '# writes and uses .demo/demo.env).',
  '# (This template is generated from packages/core/src/config/sections by npm run generate.)',
];

/** Column of the `#` of a comment after a value, as far as the value leaves room. */
const COMMENT_COLUMN = 31;
const HEADING_WIDTH = 100;

function variableLines(name: string, field: Field): string[] {
  const meta = fieldMeta(field);
  const line = `${name}=${fieldDefault(field) ?? meta.example ?? ''}`;
  const text = meta.description?.split('\n') ?? [];
  if (text.length === 0) return [line];
  if (text.length > 1) return [...text.map((l) => `# ${l}`), line];
  return [`${line}${' '.repeat(Math.max(2, COMMENT_COLUMN - line.length))}# ${text[0]}`];
}

function sectionLines(heading: string, fields: Record<string, Field>): string[] {
  const [title, ...notes] = heading.split('\n');
  const rule = `# --- ${title} `;
  return [
    `${rule}${'-'.repeat(Math.max(3, HEADING_WIDTH - rule.length))}`,
    ...notes.map((n) => `# ${n}`),
    ...Object.entries(fields).flatMap(([name, field]) => variableLines(name, field)),
  ];
}

export function renderEnvExample(): string {
  const blocks = [HEADER, ...Object.values(SECTIONS).map((s) => sectionLines(s.heading, s.fields as Record<string, Field>))];
  return `${blocks.map((lines) => lines.join('\n')).join('\n\n')}\n`;
}

/** Repository-relative path -> full text of every file this generator writes. */
export function outputs(): Record<string, string> {
  return { [OUTPUT]: renderEnvExample() };
}
