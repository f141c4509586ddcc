// PostgreSQL 15 DDL for the web app's own tables (spec/schema/web.json), for development and
// tests only: production already has these tables, so everything here is IF NOT EXISTS / guarded.

export interface WebColumn { name: string; type?: string; nullable?: boolean; default?: string }
export interface WebUnique { name: string; columns: string[] }
export interface WebForeignKey { name: string; columns: string[]; references: string; rule?: string }
export interface WebTable {
  columns?: WebColumn[];
  primaryKey?: string[];
  unique?: WebUnique[];
  foreignKeys?: WebForeignKey[];
  checks?: string[];
}
/** web.json: `_meta` plus one entry per table. */
export type WebSchemaJson = Record<string, unknown>;

/** Tables our own migrations (db/migrations) own, plus odeme_emirleri, which web.json lists without columns. */
export const WEB_EXCLUDED = new Set([
  'int_kodmap_cari', 'int_kodmap_stok', 'int_kodmap_banka', 'int_kodmap_kasa', 'int_kodmap_fiyat_liste',
  'int_satis_mapping', 'int_alis_mapping', 'int_iade_mapping', 'sync_queue', 'sync_state', 'sync_logs',
  'odeme_emirleri',
]);

// Always quote: web.json has mixed-case columns (stock XML's "Price2") and we'd rather not keep a
// reserved-word list in sync with PostgreSQL.
const q = (id: string): string => `"${id.replace(/"/g, '""')}"`;
const lit = (s: string): string => `'${s.replace(/'/g, "''")}'`;

/** web.json types are mostly pg_dump spellings; fix the few that are not valid on a bare PG 15. */
export function webColumnType(type: string | undefined): string {
  const t = (type ?? '').trim();
  // `unknown` (or missing) = the column is only known from a live column-name listing.
  if (t === '' || t === 'unknown') return 'text';
  if (t === 'int') return 'integer';
  // Schema-qualified types (public.sayim_durumu) are Supabase enums this file does not create.
  if (/^\w+\.\w+$/.test(t)) return 'text';
  return t;
}

const SQL_VALUE_WORDS = new Set([
  'true', 'false', 'null', 'current_date', 'current_time', 'current_timestamp', 'localtime', 'localtimestamp',
  'current_user', 'session_user',
]);

/** Defaults are PG expressions copied from DDL; repair the ones a plain PG 15 would reject. */
export function webColumnDefault(expr: string): string {
  const d = expr.trim();
  // Supabase installs uuid-ossp in schema "extensions"; gen_random_uuid() is built in since PG 13.
  if (/^(extensions\.)?uuid_generate_v4\(\)$/i.test(d)) return 'gen_random_uuid()';
  // A bare word (e.g. pending) is a string value written without quotes.
  if (/^[A-Za-z_]\w*$/.test(d) && !SQL_VALUE_WORDS.has(d.toLowerCase())) return lit(d);
  // Casts to enums we map to text ('beklemede'::public.sayim_durumu) become text casts.
  return d.replace(/::\w+\.\w+$/, '::text');
}

// Some constraint names in web.json record two historic names ("a_key / a_unique"): keep the first.
const constraintName = (name: string): string | undefined =>
  name === '(unnamed)' ? undefined : name.split(' / ')[0]?.trim();

const FK_RULE = /^(\s*ON (DELETE|UPDATE) (CASCADE|SET NULL|SET DEFAULT|RESTRICT|NO ACTION))*(\s*NOT VALID)?\s*$/i;

function createTable(name: string, t: WebTable): string {
  const lines = (t.columns ?? []).map((c) => {
    let line = `  ${q(c.name)} ${webColumnType(c.type)}`;
    if (c.nullable === false) line += ' NOT NULL';
    if (c.default !== undefined) line += ` DEFAULT ${webColumnDefault(c.default)}`;
    return line;
  });
  if (t.primaryKey?.length) lines.push(`  PRIMARY KEY (${t.primaryKey.map(q).join(', ')})`);
  for (const u of t.unique ?? []) {
    const n = constraintName(u.name);
    lines.push(`  ${n ? `CONSTRAINT ${q(n)} ` : ''}UNIQUE (${u.columns.map(q).join(', ')})`);
  }
  // Checks are full `CONSTRAINT x CHECK (...)` clauses from pg_dump; a bare expression gets wrapped.
  for (const c of t.checks ?? []) lines.push(`  ${/^CONSTRAINT\s/i.test(c) ? c : `CHECK (${c})`}`);
  return `CREATE TABLE IF NOT EXISTS ${q(name)} (\n${lines.join(',\n')}\n);`;
}

/**
 * Foreign keys go after all tables (web.json order is not dependency order) and only when the
 * referenced table is created here; a DO block makes each one safe to run twice.
 */
function foreignKeys(tables: Map<string, WebTable>): string[] {
  const out: string[] = [];
  const typeOf = (table: string, col: string): string | undefined => {
    const c = tables.get(table)?.columns?.find((x) => x.name === col);
    return c && webColumnType(c.type).replace(/^serial$/, 'integer').replace(/^bigserial$/, 'bigint');
  };
  for (const [table, t] of tables) {
    for (const fk of t.foreignKeys ?? []) {
      const m = /^\s*(\w+)\s*\(([^)]+)\)\s*$/.exec(fk.references);
      if (!m?.[1] || !m[2]) throw new Error(`${table}: unreadable FK reference "${fk.references}"`);
      const refTable = m[1];
      const refCols = m[2].split(',').map((s) => s.trim());
      const name = constraintName(fk.name) ?? `${table}_${fk.columns.join('_')}_fkey`; // PG's own naming
      if (!tables.has(refTable)) {
        out.push(`-- skipped ${table}.${name}: ${refTable} is not created by this file`);
        continue;
      }
      // A column typed `unknown` (text here) cannot reference a uuid key; skip rather than fail.
      const mismatch = fk.columns.find((c, i) => typeOf(table, c) !== typeOf(refTable, refCols[i] ?? ''));
      if (mismatch !== undefined) {
        out.push(`-- skipped ${table}.${name}: column types differ from ${fk.references}`);
        continue;
      }
      const rule = fk.rule?.trim() ?? '';
      if (!FK_RULE.test(rule)) throw new Error(`${table}.${name}: unexpected FK rule "${rule}"`);
      out.push(
        [
          'DO $$ BEGIN',
          `  IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conname = ${lit(name)} AND conrelid = ${lit(q(table))}::regclass) THEN`,
          `    ALTER TABLE ${q(table)} ADD CONSTRAINT ${q(name)} FOREIGN KEY (${fk.columns.map(q).join(', ')})`,
          `      REFERENCES ${q(refTable)} (${refCols.map(q).join(', ')})${rule ? ` ${rule}` : ''};`,
          '  END IF;',
          'END $$;',
        ].join('\n'),
      );
    }
  }
  return out;
}

export function webAppDdl(web: WebSchemaJson, header: string): string {
  const tables = new Map<string, WebTable>();
  for (const [name, t] of Object.entries(web)) {
    if (name !== '_meta' && !WEB_EXCLUDED.has(name)) tables.set(name, t as WebTable);
  }
  const parts = [header, 'SET client_min_messages = warning; -- silence "already exists, skipping" notices'];
  for (const [name, t] of tables) {
    if (!t.columns?.length) throw new Error(`web.json table ${name} has no columns; exclude it explicitly`);
    parts.push(createTable(name, t));
  }
  parts.push('-- Foreign keys (only between tables created above)', ...foreignKeys(tables));
  return `${parts.join('\n\n')}\n`;
}
