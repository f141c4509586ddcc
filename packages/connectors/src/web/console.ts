/**
 * Web reads and writes of the operations console: what a record is in business terms (number,
 * customer or product, amount, date), finding records by what a shop person has in hand, the
 * Mikro candidates of a missing mapping (from the ERP -> Web mirror tables) and writing the mapping.
 */
import type { MappingKind } from '@mikrosync/core';
import type { WebPool } from './pool.js';

/** The business identity of one web record. */
export interface RecordFacts {
  table: string;
  id: string;
  number: string | null;
  party: string | null;
  amount: number | null;
  date: Date | string | null;
  /** Mikro series and number the web row holds after posting (mapping columns). */
  erpSeries: string | null;
  erpNumber: number | null;
}

/** Per table: its number, party, amount and date, and the Mikro number columns (empty: none). */
const FACTS: Record<string, { from: string; number: string; party: string; amount: string; date: string; series: string; erpNo: string }> = {
  tahsilatlar: {
    from: 'tahsilatlar r LEFT JOIN cari_hesaplar c ON c.id = r.cari_hesap_id LEFT JOIN int_tahsilat_mapping m ON m.web_tahsilat_id = r.id',
    number: 'r.tahsilat_no', party: 'c.cari_adi', amount: 'r.tutar', date: 'r.tahsilat_tarihi',
    series: 'coalesce(m.erp_evrak_seri, r.tahsilat_seri_no)', erpNo: 'coalesce(m.erp_evrak_no, r.tahsilat_sira_no)',
  },
  satislar: {
    from: 'satislar r LEFT JOIN cari_hesaplar c ON c.id = r.cari_hesap_id LEFT JOIN int_satis_mapping m ON m.web_satis_id = r.id',
    number: 'r.satis_no', party: 'c.cari_adi', amount: 'r.toplam_tutar', date: 'r.satis_tarihi',
    series: 'coalesce(m.erp_evrak_seri, r.fatura_seri_no)', erpNo: 'coalesce(m.erp_evrak_no, r.fatura_sira_no)',
  },
  iadeler: {
    from: 'iadeler r LEFT JOIN cari_hesaplar c ON c.id = r.cari_hesap_id LEFT JOIN int_iade_mapping m ON m.web_iade_id = r.id',
    number: 'r.iade_no', party: 'c.cari_adi', amount: 'r.toplam_tutar', date: 'r.iade_tarihi',
    series: 'coalesce(m.erp_evrak_seri, r.fatura_seri_no)', erpNo: 'coalesce(m.erp_evrak_no, r.fatura_sira_no)',
  },
  alislar: {
    from: 'alislar r LEFT JOIN cari_hesaplar c ON c.id = r.tedarikci_id LEFT JOIN int_alis_mapping m ON m.web_alis_id = r.id',
    number: 'r.fatura_no', party: 'c.cari_adi', amount: 'r.toplam_tutar', date: 'r.fatura_tarihi',
    series: 'coalesce(m.erp_evrak_seri, r.fatura_seri_no)', erpNo: 'coalesce(m.erp_evrak_no, r.fatura_sira_no)',
  },
  stoklar: { from: 'stoklar r', number: 'r.stok_kodu', party: 'r.stok_adi', amount: 'r.satis_fiyati', date: 'NULL::date', series: 'NULL', erpNo: 'NULL::int' },
  urun_barkodlari: { from: 'urun_barkodlari r LEFT JOIN stoklar s ON s.id = r.stok_id', number: 'r.barkod', party: 's.stok_adi', amount: 'NULL::numeric', date: 'NULL::date', series: 'NULL', erpNo: 'NULL::int' },
  urun_fiyat_listeleri: {
    from: 'urun_fiyat_listeleri r LEFT JOIN stoklar s ON s.id = r.stok_id LEFT JOIN fiyat_tanimlari f ON f.id = r.fiyat_tanimi_id',
    number: 's.stok_kodu', party: "concat_ws(' · ', s.stok_adi, f.fiyat_adi)", amount: 'r.fiyat', date: 'NULL::date', series: 'NULL', erpNo: 'NULL::int',
  },
  stok_hareketleri: {
    from: 'stok_hareketleri r LEFT JOIN stoklar s ON s.id = r.stok_id',
    number: 'coalesce(r.belge_no, r.fatura_no)', party: 's.stok_adi', amount: 'r.toplam_tutar', date: 'r.islem_tarihi',
    series: 'r.fatura_seri_no', erpNo: "CASE WHEN r.fatura_sira_no ~ '^[0-9]+$' THEN r.fatura_sira_no::int END",
  },
  cari_hesaplar: { from: 'cari_hesaplar r', number: 'r.cari_kodu', party: 'r.cari_adi', amount: 'NULL::numeric', date: 'NULL::date', series: 'NULL', erpNo: 'NULL::int' },
  entegra_order: {
    from: 'entegra_order r',
    number: 'coalesce(r.order_number, r.no)', party: "nullif(concat_ws(' ', r.firstname, r.lastname), '')", amount: 'r.grand_total', date: 'r.datetime',
    series: 'NULL', erpNo: 'NULL::int',
  },
};

export const DESCRIBED_TABLES = Object.keys(FACTS);

function factsSelect(table: string): string {
  const f = FACTS[table]!;
  return `SELECT '${table}' AS table, r.id::text AS id, ${f.number}::text AS number, ${f.party}::text AS party, ${f.amount}::float8 AS amount,
                 ${f.date} AS date, ${f.series}::text AS "erpSeries", ${f.erpNo} AS "erpNumber"
            FROM ${f.from}`;
}

/** The business facts of records, keyed `table:id`; records of other tables or gone are absent. */
export async function describeRecords(pool: WebPool, refs: readonly { table: string; id: string }[]): Promise<Map<string, RecordFacts>> {
  const out = new Map<string, RecordFacts>();
  const byTable = new Map<string, string[]>();
  for (const r of refs) if (FACTS[r.table]) byTable.set(r.table, [...(byTable.get(r.table) ?? []), r.id]);
  await Promise.all(
    [...byTable].map(async ([table, ids]) => {
      const res = await pool.query<RecordFacts>(`${factsSelect(table)} WHERE r.id::text = ANY($1::text[])`, [ids]);
      for (const row of res.rows) out.set(`${table}:${row.id}`, row);
    }),
  );
  return out;
}

/** Documents with a number of their own and a customer: what the tracker searches. */
const DOCUMENT_TABLES = ['tahsilatlar', 'satislar', 'iadeler', 'alislar', 'stok_hareketleri', 'entegra_order'];

/**
 * Records matching what a shop person has in hand: a web document number, a Mikro number
 * (`SERI-SIRA`, `SERISIRA` or the number alone, from the web mapping columns), a stock code, a
 * customer code or name (the customer's documents). At most `limit` records, newest first.
 */
export async function searchRecords(pool: WebPool, q: string, erpMatches: readonly { table: string; id: string }[], limit = 20): Promise<RecordFacts[]> {
  const text = q.trim();
  if (!text) return [];
  const mikro = /^([A-Za-z]{0,10})[-\s]?(\d{1,9})$/.exec(text);
  const series = mikro ? mikro[1]!.toUpperCase() : null;
  const number = mikro ? Number(mikro[2]) : null;
  const found: RecordFacts[] = [];
  const seen = new Set<string>();
  const add = (rows: RecordFacts[]) => {
    for (const r of rows) {
      if (found.length >= limit || seen.has(`${r.table}:${r.id}`)) continue;
      seen.add(`${r.table}:${r.id}`);
      found.push(r);
    }
  };
  add([...(await describeRecords(pool, erpMatches)).values()]);
  for (const table of DOCUMENT_TABLES) {
    const f = FACTS[table]!;
    const where = `lower(${f.number}::text) = lower($1) OR ($2::int IS NOT NULL AND ${f.erpNo} = $2::int AND upper(coalesce(${f.series}, '')) = $3::text)`;
    const res = await pool.query<RecordFacts>(`${factsSelect(table)} WHERE ${where} LIMIT $4`, [text, number, series ?? '', limit]);
    add(res.rows);
  }
  add((await pool.query<RecordFacts>(`${factsSelect('stoklar')} WHERE lower(r.stok_kodu) = lower($1) LIMIT $2`, [text, limit])).rows);
  // A customer: the customer itself, then its documents.
  const customers = await pool.query<{ id: string }>(
    `SELECT id::text AS id FROM cari_hesaplar WHERE lower(cari_kodu) = lower($1) OR (length($1) >= 3 AND cari_adi ILIKE '%' || $1 || '%') ORDER BY cari_adi LIMIT 5`,
    [text],
  );
  if (customers.rows.length) {
    const ids = customers.rows.map((c) => c.id);
    for (const table of ['tahsilatlar', 'satislar', 'iadeler']) {
      const res = await pool.query<RecordFacts>(`${factsSelect(table)} WHERE r.cari_hesap_id::text = ANY($1::text[]) ORDER BY r.olusturma_tarihi DESC LIMIT $2`, [ids, limit]);
      add(res.rows);
    }
    add((await pool.query<RecordFacts>(`${factsSelect('cari_hesaplar')} WHERE r.id::text = ANY($1::text[])`, [ids])).rows);
  }
  return found;
}

export interface OutboxEvent {
  id: number;
  table: string;
  operation: 'INSERT' | 'UPDATE' | 'DELETE';
  status: 'pending' | 'enqueued' | 'done' | 'failed';
  attempts: number;
  lastError: string | null;
  createdAt: Date;
  enqueuedAt: Date | null;
  processedAt: Date | null;
}

/** The outbox events of one record (its header and line tables), oldest first. */
export async function outboxEventsOf(pool: WebPool, tables: readonly string[], recordId: string, limit = 50): Promise<OutboxEvent[]> {
  const res = await pool.query<OutboxEvent>(
    `SELECT id::int AS id, table_name AS table, operation, status, attempts, last_error AS "lastError", created_at AS "createdAt",
            enqueued_at AS "enqueuedAt", processed_at AS "processedAt"
       FROM sync_outbox WHERE table_name = ANY($1::text[]) AND record_id = $2 ORDER BY id DESC LIMIT $3`,
    [tables, recordId, limit],
  );
  return res.rows.reverse();
}

/**
 * Per mapping kind: the map table docs/operations.md documents, the web table the ERP -> Web sync
 * copies the Mikro rows into (the candidates), and the web row the mapping is for.
 */
const MAPPINGS: Record<MappingKind, { map: string; webColumn: string; erpColumn: string; candidates: string; code: string; name: string; web: string }> = {
  account: {
    map: 'int_kodmap_cari', webColumn: 'web_cari_id', erpColumn: 'erp_cari_kod',
    candidates: "cari_hesaplar WHERE kaynak = 'erp' AND cari_kodu <> ''", code: 'cari_kodu', name: 'cari_adi',
    web: "SELECT concat_ws(' ', nullif(cari_kodu, ''), cari_adi) FROM cari_hesaplar WHERE id::text = $1",
  },
  cashBox: {
    map: 'int_kodmap_kasa', webColumn: 'web_kasa_id', erpColumn: 'erp_kasa_kod',
    candidates: "kasalar WHERE coalesce(kasa_kodu, '') <> ''", code: 'kasa_kodu', name: 'kasa_adi',
    web: 'SELECT kasa_adi FROM kasalar WHERE id::text = $1',
  },
  bank: {
    map: 'int_kodmap_banka', webColumn: 'web_banka_id', erpColumn: 'erp_banka_kod',
    candidates: "bankalar WHERE coalesce(ban_kod, '') <> ''", code: 'ban_kod', name: 'banka_adi',
    web: 'SELECT banka_adi FROM bankalar WHERE id::text = $1',
  },
  stock: {
    map: 'int_kodmap_stok', webColumn: 'web_stok_id', erpColumn: 'erp_stok_kod',
    candidates: "stoklar WHERE stok_kodu <> '' AND EXISTS (SELECT 1 FROM int_kodmap_stok k WHERE k.erp_stok_kod = stoklar.stok_kodu AND k.web_stok_id = stoklar.id)",
    code: 'stok_kodu', name: 'stok_adi',
    web: "SELECT concat_ws(' ', stok_kodu, stok_adi) FROM stoklar WHERE id::text = $1",
  },
  priceList: {
    map: 'int_kodmap_fiyat_liste', webColumn: 'web_fiyat_tanimi_id', erpColumn: 'erp_liste_no',
    candidates: 'fiyat_tanimlari WHERE sira_no IS NOT NULL', code: 'sira_no', name: 'fiyat_adi',
    web: 'SELECT fiyat_adi FROM fiyat_tanimlari WHERE id::text = $1',
  },
};

export interface MappingCandidate {
  code: string;
  name: string;
}

/** Mikro rows of a kind (mirrored on the web) whose code or name contains `q`, at most `limit`. */
export async function mappingCandidates(pool: WebPool, kind: MappingKind, q: string, limit = 50): Promise<MappingCandidate[]> {
  const m = MAPPINGS[kind];
  const res = await pool.query<MappingCandidate>(
    `SELECT DISTINCT ON (${m.code}) ${m.code}::text AS code, ${m.name}::text AS name FROM ${m.candidates}
        AND ($1 = '' OR ${m.code}::text ILIKE '%' || $1 || '%' OR ${m.name} ILIKE '%' || $1 || '%')
      ORDER BY ${m.code} LIMIT $2`,
    [q.trim(), limit],
  );
  return res.rows;
}

/** How the page names the web row a mapping is for (undefined: no such row). */
export async function mappingWebLabel(pool: WebPool, kind: MappingKind, webCode: string): Promise<string | undefined> {
  if (!/^[0-9a-f-]{36}$/i.test(webCode)) return undefined;
  const res = await pool.query<{ label: string }>(`SELECT (${MAPPINGS[kind].web}) AS label`, [webCode]);
  return res.rows[0]?.label ?? undefined;
}

export type MappingWrite = { ok: true; name: string } | { ok: false; reason: 'unknownWeb' | 'unknownErp' | 'erpTaken'; takenBy?: string };

/**
 * Writes web row -> Mikro code into the map table of the kind, when the code is one of the
 * mirrored Mikro rows. A code another web row already maps to is refused (the map is one-to-one).
 */
export async function writeMapping(pool: WebPool, kind: MappingKind, webCode: string, erpCode: string, note: string): Promise<MappingWrite> {
  const m = MAPPINGS[kind];
  if ((await mappingWebLabel(pool, kind, webCode)) === undefined) return { ok: false, reason: 'unknownWeb' };
  const candidate = await pool.query<{ name: string }>(`SELECT ${m.name}::text AS name FROM ${m.candidates} AND ${m.code}::text = $1 LIMIT 1`, [erpCode]);
  if (!candidate.rows[0]) return { ok: false, reason: 'unknownErp' };
  const taken = await pool.query<{ web: string }>(`SELECT ${m.webColumn}::text AS web FROM ${m.map} WHERE ${m.erpColumn}::text = $1 AND ${m.webColumn}::text <> $2`, [erpCode, webCode]);
  if (taken.rows[0]) return { ok: false, reason: 'erpTaken', takenBy: taken.rows[0].web };
  const value = kind === 'priceList' ? Number(erpCode) : erpCode;
  await pool.query(
    `INSERT INTO ${m.map} (${m.webColumn}, ${m.erpColumn}, aciklama) VALUES ($1, $2, $3)
     ON CONFLICT (${m.webColumn}) DO UPDATE SET ${m.erpColumn} = EXCLUDED.${m.erpColumn}, aciklama = EXCLUDED.aciklama, sync_date = now()`,
    [webCode, value, note],
  );
  return { ok: true, name: candidate.rows[0].name };
}
