// Mikro ERP stand-in tables (spec/schema/mikro.json) for PostgreSQL (dev/CI) and SQL Server
// (docker-compose `mssql`). Both dialects come from one column model so they cannot drift apart.

export interface MikroColumn { name: string; type?: string; length?: number; identity?: boolean }
export interface MikroTable { columns?: MikroColumn[]; primaryKey?: string[]; unique?: string[][] }
/** mikro.json: `_meta` plus one entry per table or view. */
export type MikroSchemaJson = Record<string, unknown>;

/** Objects the original mikro_sync created inside the ERP database; not Mikro's, so not stood in. */
export const MIKRO_EXCLUDED = new Set([
  'INT_KdvPointerMap', 'INT_CariHareketMap', 'INT_StokHareketMap', 'INT_DepoMap',
  'MIKRO_SYNC_DELETED_LOG', 'SYNC_QUEUE', 'SYNC_LOGS',
]);

type Kind = 'int' | 'bit' | 'float' | 'decimal' | 'text' | 'datetime' | 'uuid';
interface Col {
  name: string;
  kind: Kind;
  size: string | undefined; // nvarchar length / 'max', or decimal "p,s"
  identity: boolean;
  defaults: { pg: string; ms: string };
}
interface Dialect {
  q: (id: string) => string;
  type: (c: Col) => string;
  identity: string;
}

const BASE_KIND: Record<string, Kind> = {
  int: 'int', bit: 'bit', float: 'float', decimal: 'decimal', numeric: 'decimal',
  nvarchar: 'text', varchar: 'text', datetime: 'datetime', uniqueidentifier: 'uuid',
};

/** Mikro never writes NULL: empty text, 0, and 1899-12-30 stand for "no value". */
const EMPTY: Record<Kind, { pg: string; ms: string }> = {
  int: { pg: '0', ms: '0' }, bit: { pg: '0', ms: '0' }, float: { pg: '0', ms: '0' }, decimal: { pg: '0', ms: '0' },
  text: { pg: "''", ms: "N''" },
  datetime: { pg: "'1899-12-30 00:00:00'", ms: "'18991230'" },
  uuid: { pg: 'gen_random_uuid()', ms: 'NEWID()' },
};

/** `default X` written inside a mikro.json type string, in both dialects. */
function explicitDefault(raw: string): { pg: string; ms: string } {
  if (/^getdate\(\)$/i.test(raw)) return { pg: 'LOCALTIMESTAMP', ms: 'GETDATE()' }; // datetime is local time
  if (/^newid\(\)$/i.test(raw)) return { pg: 'gen_random_uuid()', ms: 'NEWID()' };
  if (/^-?\d+(\.\d+)?$/.test(raw)) return { pg: raw, ms: raw };
  const s = raw.replace(/^N?'(.*)'$/s, '$1').replace(/'/g, "''"); // bare words (`pending`) are strings
  return { pg: `'${s}'`, ms: `N'${s}'` };
}

// Every Mikro table has an identity <prefix>_RECno (mikro.json _meta.conventions), even where a
// small lookup table does not flag it; cha_RECid_RECno and friends do not match (two underscores).
const RECNO = /^[A-Za-z0-9]+_RECno$/;

// mikro.json infers `int` for numeric columns whose traced values were all whole numbers; amounts,
// quantities, rates and costs are floats in Mikro (a VAT amount of 49.98 must fit). Pointers and
// flags keep their integer type (sto_perakende_vergi / sto_toptan_vergi are VAT pointers).
const AMOUNT = /_(meblag|aratoplam|tutar|tutari|vergi\d*|iskonto\d+|ft_iskonto\d+|masraf\d*|masraf_vergi|miktar\d*|eldeki_miktar|maliyet(_\w+)?|standartmaliyet|fiyati?|kur|doviz_kur|odenen|otvtutari|oivtutari|oiv_vergi|otv_vergi|stopaj|yuvarlama|netagirlik|brutagirlik|vade_farki_yuz|vade_fark_yuz|primyuzdesi|ilave_edilecek_kdv\d*|tevkifat_toplam)$/i;
const NOT_AMOUNT = /^sto_(perakende|toptan)_vergi$/i;

function parseColumn(table: string, c: MikroColumn): Col {
  let t = (c.type ?? 'nvarchar').trim();
  let defaults: { pg: string; ms: string } | undefined;
  const d = /\s+default\s+(.+)$/i.exec(t);
  if (d?.[1]) { defaults = explicitDefault(d[1].trim()); t = t.slice(0, d.index); }
  const identity = c.identity === true || /\bidentity\b/i.test(t) || RECNO.test(c.name);
  t = t.replace(/\s+identity\s*(\(\s*\d+\s*,\s*\d+\s*\))?\s*$/i, '');
  // "int or decimal(5,2)" (a VAT rate seen both ways): a decimal wide enough for both readings.
  if (/^int or decimal\(/i.test(t)) t = 'decimal(9,2)';
  const m = /^(\w+)\s*(?:\(\s*(max|\d+(?:\s*,\s*\d+)?)\s*\))?$/i.exec(t);
  const kind = m?.[1] ? BASE_KIND[m[1].toLowerCase()] : undefined;
  if (!m || !kind) throw new Error(`mikro.json ${table}.${c.name}: unsupported type "${c.type}"`);
  const size = m[2]?.replace(/\s/g, '').toLowerCase() ?? (c.length === undefined ? undefined : String(c.length));
  const amount = kind === 'int' && !identity && AMOUNT.test(c.name) && !NOT_AMOUNT.test(c.name);
  const finalKind: Kind = amount ? 'float' : kind;
  return { name: c.name, kind: finalKind, size, identity, defaults: defaults ?? EMPTY[finalKind] };
}

const PG: Dialect = {
  q: (id) => `"${id.replace(/"/g, '""')}"`,
  type: (c) => {
    switch (c.kind) {
      case 'int': return 'integer';
      case 'bit': return 'smallint'; // 0/1 like SQL Server bit; boolean would change how the sync writes it
      case 'float': return 'double precision';
      case 'decimal': return `numeric(${c.size ?? '18,0'})`;
      case 'text': return c.size === 'max' ? 'text' : c.size ? `varchar(${c.size})` : 'varchar';
      case 'datetime': return 'timestamp(3) without time zone'; // local time, ms precision like datetime
      case 'uuid': return 'uuid';
    }
  },
  identity: 'integer GENERATED BY DEFAULT AS IDENTITY',
};
const MSSQL: Dialect = {
  q: (id) => `[${id.replace(/]/g, ']]')}]`,
  type: (c) => {
    switch (c.kind) {
      case 'decimal': return `decimal(${c.size ?? '18,0'})`;
      case 'text': return `nvarchar(${c.size ?? '255'})`; // real width unknown; 255 holds what the sync writes
      case 'uuid': return 'uniqueidentifier';
      default: return c.kind;
    }
  },
  identity: 'int IDENTITY(1,1) NOT NULL',
};

// Indexes the sync relies on (document lookups by evrak key, code lookups); "lastup" indexes are
// added for every table with a *_lastup_date column because incremental reads page on it.
const SYNC_INDEXES: [table: string, suffix: string, columns: string[]][] = [
  ['CARI_HESAP_HAREKETLERI', 'evrak', ['cha_evrak_tip', 'cha_evrakno_seri', 'cha_evrakno_sira']],
  ['STOK_HAREKETLERI', 'evrak', ['sth_evraktip', 'sth_evrakno_seri', 'sth_evrakno_sira']],
  ['ODEME_EMIRLERI', 'refno', ['sck_tip', 'sck_refno']],
  ['CARI_HESAPLAR', 'kod', ['cari_kod']],
  ['STOKLAR', 'kod', ['sto_kod']],
  ['BARKOD_TANIMLARI', 'kod', ['bar_kodu']],
  ['BANKALAR', 'kod', ['ban_kod']],
  ['KASALAR', 'kod', ['kas_kod']],
  // Per-stock lookups of the feed and the invoices (first barcode, prices, movements of a stock).
  ['BARKOD_TANIMLARI', 'stok', ['bar_stokkodu']],
  ['STOK_SATIS_FIYAT_LISTELERI', 'stok', ['sfiyat_stokkod', 'sfiyat_listesirano']],
  ['STOK_HAREKETLERI', 'stok', ['sth_stok_kod']],
  ['STOK_HAREKETLERI', 'fatura', ['sth_fat_recid_recno']],
];

// The real view's definition is unknown (spec/erp-open-questions.md). Assumption: one row per stock
// code over all depots; sth_tip 0 = in, anything else = out; sth_normal_iade = 1 flips the sign (the
// sync writes a sales return as sth_tip 1 + normal_iade 1, i.e. stock back in); cancelled rows
// (sth_iptal = 1) do not count.
const VIEWS: Record<string, { columns: string[]; select: (d: Dialect, schema: string) => string }> = {
  STOK_HAREKETTEN_ELDEKI_MIKTAR_VIEW: {
    columns: ['sth_stok_kod', 'sth_eldeki_miktar'],
    select: ({ q }, schema) => [
      `SELECT ${q('sth_stok_kod')},`,
      `       SUM(CASE WHEN ${q('sth_tip')} = 0 THEN ${q('sth_miktar')} ELSE -${q('sth_miktar')} END`,
      `           * CASE WHEN ${q('sth_normal_iade')} = 1 THEN -1 ELSE 1 END) AS ${q('sth_eldeki_miktar')}`,
      `FROM ${schema}${q('STOK_HAREKETLERI')}`,
      `WHERE ${q('sth_iptal')} = 0`,
      `GROUP BY ${q('sth_stok_kod')}`,
    ].join('\n'),
  },
};

const VIEW_NOTE = [
  'STOK_HAREKETTEN_ELDEKI_MIKTAR_VIEW: the real Mikro definition is unknown (see',
  '-- spec/erp-open-questions.md). ASSUMPTION: one row per sth_stok_kod over all depots,',
  '-- SUM(sth_miktar) counting sth_tip 0 as in and every other sth_tip as out, sign flipped again',
  '-- when sth_normal_iade = 1 (a return), cancelled rows (sth_iptal = 1) excluded.',
].join('\n');

interface Model {
  tables: { name: string; cols: Col[]; pk: string[]; unique: string[][] }[];
  views: string[];
  skipped: string[]; // tables mikro.json lists without columns
}

export function mikroModel(mikro: MikroSchemaJson): Model {
  const model: Model = { tables: [], views: [], skipped: [] };
  for (const [name, raw] of Object.entries(mikro)) {
    if (name === '_meta' || MIKRO_EXCLUDED.has(name)) continue;
    const t = raw as MikroTable;
    const view = VIEWS[name];
    if (view) {
      const cols = (t.columns ?? []).map((c) => c.name).join(',');
      if (cols !== view.columns.join(',')) throw new Error(`${name}: mikro.json columns ${cols} differ from the view`);
      model.views.push(name);
    } else if (!t.columns?.length) {
      model.skipped.push(name); // e.g. CARI_HESAP_HAREKETLERI_OZET: columns unknown, SQL Server needs >= 1
    } else {
      const cols = t.columns.map((c) => parseColumn(name, c));
      const ids = cols.filter((c) => c.identity);
      if (ids.length > 1) throw new Error(`${name}: more than one identity column`);
      const pk = t.primaryKey ?? ids.map((c) => c.name);
      model.tables.push({ name, cols, pk, unique: t.unique ?? [] });
    }
  }
  for (const [table, , columns] of SYNC_INDEXES) {
    const t = model.tables.find((x) => x.name === table);
    const missing = columns.filter((c) => !t?.cols.some((x) => x.name === c));
    if (missing.length) throw new Error(`index on ${table}: no column ${missing.join(', ')} in mikro.json`);
  }
  return model;
}

function indexes(model: Model): [table: string, name: string, columns: string[]][] {
  const out = SYNC_INDEXES.map(([t, s, c]): [string, string, string[]] => [t, `IX_${t}_${s}`, c]);
  for (const t of model.tables) {
    const lastup = t.cols.find((c) => c.name.endsWith('_lastup_date'));
    if (!lastup) continue;
    const recno = t.cols.find((c) => c.identity); // KASALAR has no RECno in mikro.json: lastup only
    out.push([t.name, `IX_${t.name}_lastup`, recno ? [lastup.name, recno.name] : [lastup.name]]);
  }
  return out;
}

function tableBody(d: Dialect, t: Model['tables'][number], def: 'pg' | 'ms'): string {
  const inlinePk = t.pk.length === 1 && t.cols.some((c) => c.identity && c.name === t.pk[0]);
  const lines = t.cols.map((c) =>
    c.identity
      ? `  ${d.q(c.name)} ${d.identity}${inlinePk ? ' PRIMARY KEY' : ''}`
      : `  ${d.q(c.name)} ${d.type(c)} NOT NULL DEFAULT ${c.defaults[def]}`,
  );
  if (!inlinePk && t.pk.length) lines.push(`  PRIMARY KEY (${t.pk.map(d.q).join(', ')})`);
  for (const u of t.unique) lines.push(`  UNIQUE (${u.map(d.q).join(', ')})`);
  return `(\n${lines.join(',\n')}\n)`;
}

const skippedNote = (m: Model): string[] =>
  m.skipped.map((s) => `-- skipped ${s}: mikro.json lists no columns for it`);

export function mikroPgDdl(mikro: MikroSchemaJson, header: string): string {
  const m = mikroModel(mikro);
  const parts = [header, 'SET client_min_messages = warning; -- silence "already exists, skipping" notices'];
  for (const t of m.tables) parts.push(`CREATE TABLE IF NOT EXISTS ${PG.q(t.name)} ${tableBody(PG, t, 'pg')};`);
  parts.push(...skippedNote(m), `-- ${VIEW_NOTE}`);
  for (const v of m.views) parts.push(`CREATE OR REPLACE VIEW ${PG.q(v)} AS\n${VIEWS[v]?.select(PG, '')};`);
  for (const [t, n, c] of indexes(m)) {
    parts.push(`CREATE INDEX IF NOT EXISTS ${PG.q(n)} ON ${PG.q(t)} (${c.map(PG.q).join(', ')});`);
  }
  return `${parts.join('\n\n')}\n`;
}

export function mikroMssqlDdl(mikro: MikroSchemaJson, header: string): string {
  const m = mikroModel(mikro);
  const dbo = (n: string): string => `[dbo].${MSSQL.q(n)}`;
  const id = (n: string): string => `N'dbo.${n.replace(/'/g, "''")}'`;
  // Every statement is its own batch (GO): CREATE VIEW must be alone in a batch, and CREATE INDEX
  // after a CREATE TABLE in the same batch would be compiled before the table exists.
  const parts = [header];
  for (const t of m.tables) {
    parts.push(`IF OBJECT_ID(${id(t.name)}, N'U') IS NULL\nCREATE TABLE ${dbo(t.name)} ${tableBody(MSSQL, t, 'ms')};\nGO`);
  }
  parts.push(...skippedNote(m));
  for (const v of m.views) {
    // DROP + CREATE rather than CREATE OR ALTER VIEW: same effect on SQL Server 2016+, and the T-SQL
    // grammar our test parses this file with does not know CREATE OR ALTER / ALTER VIEW.
    parts.push(`-- ${VIEW_NOTE}\nIF OBJECT_ID(${id(v)}, N'V') IS NOT NULL\n  DROP VIEW ${dbo(v)};\nGO`);
    parts.push(`CREATE VIEW ${dbo(v)} AS\n${VIEWS[v]?.select(MSSQL, '[dbo].')};\nGO`);
  }
  for (const [t, n, c] of indexes(m)) {
    parts.push(
      `IF NOT EXISTS (SELECT 1 FROM sys.indexes WHERE name = N'${n}' AND object_id = OBJECT_ID(${id(t)}))\n` +
        `  CREATE INDEX ${MSSQL.q(n)} ON ${dbo(t)} (${c.map(MSSQL.q).join(', ')});\nGO`,
    );
  }
  return `${parts.join('\n\n')}\n`;
}
