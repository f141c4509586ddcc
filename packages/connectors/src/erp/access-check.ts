/**
 * What `test-connection` checks in the ERP beyond "it answers": the Mikro tables we read and write,
 * our ledger, and the rights the fleet needs (read the tables, insert the documents, create our own
 * table). A database without the Mikro tables, or a login without the rights, answers a ping too.
 */
import type { ErpTx } from './client.js';
import { dialectPart, sql } from './sql.js';
import { LEDGER_TABLE } from './ledger.js';

/** Tables the Web -> ERP flows insert into (documents, cards, barcodes, prices, counts). */
export const ERP_WRITTEN_TABLES = ['CARI_HESAP_HAREKETLERI', 'STOK_HAREKETLERI', 'ODEME_EMIRLERI', 'STOKLAR', 'STOK_SATIS_FIYAT_LISTELERI', 'CARI_HESAPLAR', 'BARKOD_TANIMLARI'];
/** Tables and views only read (catalog sync, lookups, stock feed). */
export const ERP_READ_TABLES = [
  'STOK_ANA_GRUPLARI',
  'STOK_ALT_GRUPLARI',
  'STOK_SATIS_FIYAT_LISTE_TANIMLARI',
  'KASALAR',
  'BANKALAR',
  'DEPOLAR',
  'SAYIM_SONUCLARI',
  'STOK_HAREKETTEN_ELDEKI_MIKTAR_VIEW',
];

interface TableAccess {
  present: boolean;
  canRead: boolean;
  canInsert: boolean;
}

async function tableAccess(erp: ErpTx, table: string): Promise<TableAccess> {
  const stmt = sql`${dialectPart(
    sql`SELECT CASE WHEN OBJECT_ID(${`dbo.${table}`}) IS NULL THEN 0 ELSE 1 END AS present, HAS_PERMS_BY_NAME(${`dbo.${table}`}, 'OBJECT', 'SELECT') AS can_read, HAS_PERMS_BY_NAME(${`dbo.${table}`}, 'OBJECT', 'INSERT') AS can_insert`,
    sql`SELECT to_regclass(${`"${table}"`}) IS NOT NULL AS present,
      CASE WHEN to_regclass(${`"${table}"`}) IS NULL THEN false ELSE has_table_privilege(to_regclass(${`"${table}"`}), 'SELECT') END AS can_read,
      CASE WHEN to_regclass(${`"${table}"`}) IS NULL THEN false ELSE has_table_privilege(to_regclass(${`"${table}"`}), 'INSERT') END AS can_insert`,
  )}`;
  const [row] = await erp.query<{ present: unknown; can_read: unknown; can_insert: unknown }>(stmt);
  return { present: Boolean(Number(row?.present)), canRead: Boolean(Number(row?.can_read)), canInsert: Boolean(Number(row?.can_insert)) };
}

async function canCreateTable(erp: ErpTx): Promise<boolean> {
  const [row] = await erp.query<{ can_create: unknown }>(
    sql`${dialectPart(
      sql`SELECT CASE WHEN HAS_PERMS_BY_NAME(DB_NAME(), 'DATABASE', 'CREATE TABLE') = 1 AND HAS_PERMS_BY_NAME(SCHEMA_NAME(), 'SCHEMA', 'ALTER') = 1 THEN 1 ELSE 0 END AS can_create`,
      sql`SELECT has_schema_privilege(current_schema(), 'CREATE') AS can_create`,
    )}`,
  );
  return Boolean(Number(row?.can_create));
}

/** Everything missing, one line each naming the table or right and the fix; empty when all is there. */
export async function erpAccessProblems(erp: ErpTx): Promise<string[]> {
  const problems: string[] = [];
  const missing: string[] = [];
  const noRead: string[] = [];
  const noInsert: string[] = [];
  for (const table of [...ERP_WRITTEN_TABLES, ...ERP_READ_TABLES]) {
    const a = await tableAccess(erp, table);
    if (!a.present) missing.push(table);
    else {
      if (!a.canRead) noRead.push(table);
      if (ERP_WRITTEN_TABLES.includes(table) && !a.canInsert) noInsert.push(table);
    }
  }
  const all = ERP_WRITTEN_TABLES.length + ERP_READ_TABLES.length;
  if (missing.length === all) problems.push('none of the Mikro tables exist (STOKLAR, CARI_HESAPLAR, ...): this is not a Mikro company database; check the database setting');
  else if (missing.length) problems.push(`Mikro tables missing: ${missing.join(', ')}`);
  if (noRead.length) problems.push(`the login may not read: ${noRead.join(', ')} (grant SELECT)`);
  if (noInsert.length) problems.push(`the login may not insert into: ${noInsert.join(', ')} (grant INSERT)`);
  const ledger = await tableAccess(erp, LEDGER_TABLE);
  if (!ledger.present) {
    problems.push(
      (await canCreateTable(erp))
        ? `our table ${LEDGER_TABLE} is missing: run mikrosync migrate (or setup-erp)`
        : `our table ${LEDGER_TABLE} is missing and the login may not create it: a DBA runs mikrosync setup-erp, or grants CREATE TABLE`,
    );
  } else if (!ledger.canRead || !ledger.canInsert) problems.push(`the login may not read and insert ${LEDGER_TABLE} (grant SELECT, INSERT, UPDATE)`);
  return problems;
}
