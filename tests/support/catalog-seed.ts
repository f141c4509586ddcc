/**
 * A generated Mikro catalog in the PostgreSQL stand-in, set-based (generate_series), so the tests
 * can seed a few hundred rows per table and the benchmark 100k stocks in seconds. Every value is a
 * function of the row number, so tests can compute what the web must hold.
 *
 * Lastup dates: stock i has `2025-01-01 00:00:00 + floor(i / 3) s` — every three consecutive rows
 * share one timestamp, so small batches always cut through a group of equal lastup dates.
 */
import type pg from 'pg';

export interface CatalogSeed {
  stocks: number;
  /** Barcodes: false = none; 'one' = one per stock; default: a second one every other stock. */
  barcodes?: boolean | 'one';
  /** Price lists 1..n; each stock gets a depot 0 / plan 0 price per list. */
  lists?: number;
  accounts?: number;
  accountMovements?: number;
  stockMovements?: number;
}

export const SEED_BASE = '2025-01-01 00:00:00';
export const BRANDS = ['istanbul', 'Işık', 'ACME', 'çınar'];

/** Web brands the stock mapping matches (Turkish upper-casing: 'istanbul' = 'İSTANBUL'). */
export async function seedWebBrands(web: pg.Pool): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const name of ['İSTANBUL', 'IŞIK', 'Acme', 'ÇINAR ']) {
    const r = await web.query<{ id: string }>(`INSERT INTO markalar (marka_adi) VALUES ($1) RETURNING id`, [name]);
    out[name] = r.rows[0]!.id;
  }
  return out;
}

export async function seedCatalog(erp: pg.Pool, o: CatalogSeed): Promise<void> {
  const lists = o.lists ?? 3;
  await erp.query(`
    INSERT INTO "STOK_ANA_GRUPLARI" (san_kod, san_isim) SELECT 'AG' || g, 'Ana Grup ' || g FROM generate_series(1, 5) g;
    INSERT INTO "STOK_ALT_GRUPLARI" (sta_kod, sta_isim, sta_ana_grup_kod) SELECT 'ALT' || lpad(g::text, 2, '0'), 'Alt Grup ' || g, 'AG' || (g % 5 + 1) FROM generate_series(1, 20) g;
    INSERT INTO "KASALAR" (kas_kod, kas_isim, kas_create_date, kas_lastup_date) VALUES
      ('001', 'Merkez Kasa', '${SEED_BASE}', '${SEED_BASE}'), ('ÇEK', 'Çek Portföyü', '${SEED_BASE}', '${SEED_BASE}'), ('SENET', 'Senet Portföyü', '${SEED_BASE}', '${SEED_BASE}');
    INSERT INTO "BANKALAR" (ban_kod, ban_ismi, ban_sube, ban_hesapno, ban_create_date, ban_lastup_date) VALUES
      ('01', 'GARANTİ', 'Merkez', 'TR01', '${SEED_BASE}', '${SEED_BASE}'), ('02', 'GARANTİ', 'Kadıköy', 'TR02', '${SEED_BASE}', '${SEED_BASE}'),
      ('10', 'ENPARA', '', 'TR10', '${SEED_BASE}', '${SEED_BASE}');
    INSERT INTO "DEPOLAR" (dep_no, dep_adi, dep_create_date, dep_lastup_date) VALUES (1, 'Merkez Depo', '${SEED_BASE}', '${SEED_BASE}'), (2, 'Şube Depo', '${SEED_BASE}', '${SEED_BASE}');
    INSERT INTO "STOK_SATIS_FIYAT_LISTE_TANIMLARI" (sfl_sirano, sfl_aciklama, sfl_fiyatformul, sfl_create_date, sfl_lastup_date)
      SELECT g, 'Liste ' || g, '', '${SEED_BASE}', '${SEED_BASE}'::timestamp + g * interval '1 second' FROM generate_series(1, ${lists}) g;
  `);
  const brands = BRANDS.map((b) => `'${b}'`).join(', ');
  await erp.query(
    `INSERT INTO "STOKLAR" (sto_kod, sto_isim, sto_yabanci_isim, sto_birim1_ad, sto_standartmaliyet, sto_sektor_kodu, sto_reyon_kodu, sto_ambalaj_kodu,
                            sto_kalkon_kodu, sto_marka_kodu, sto_altgrup_kod, sto_anagrup_kod, sto_pasif_fl, sto_create_date, sto_lastup_date)
     SELECT 'S' || lpad(i::text, 6, '0'), 'Ürün ' || i, CASE WHEN i % 2 = 0 THEN ' Katalog ' || i || ' ' ELSE '' END,
            CASE WHEN i % 7 = 0 THEN '' ELSE 'Koli' END, i * 1.25, 'OLCU' || (i % 3), 'R-' || (i % 10), 'AMB' || (i % 4),
            CASE WHEN i % 4 = 0 THEN '144/12' WHEN i % 4 = 1 THEN 'x' ELSE (i % 50)::text END,
            CASE WHEN i % 5 = 4 THEN '' ELSE (ARRAY[${brands}])[i % 5 + 1] END,
            CASE WHEN i % 3 = 0 THEN '' ELSE 'ALT' || lpad((i % 20 + 1)::text, 2, '0') END, 'AG' || (i % 5 + 1),
            CASE WHEN i % 37 = 0 THEN 1 ELSE 0 END,
            '${SEED_BASE}'::timestamp - interval '1 day' + i * interval '1 second', '${SEED_BASE}'::timestamp + (i / 3) * interval '1 second'
       FROM generate_series(1, $1::int) i`,
    [o.stocks],
  );
  if (o.barcodes !== false) {
    await erp.query(
      `INSERT INTO "BARKOD_TANIMLARI" (bar_kodu, bar_stokkodu, bar_barkodtipi, bar_iptal, bar_lastup_date)
       SELECT '869' || lpad(i::text, 9, '0') || k, 'S' || lpad(i::text, 6, '0'), CASE WHEN k = 1 THEN i % 4 ELSE 2 END,
              CASE WHEN i % 13 = 0 AND k = 1 THEN 1 ELSE 0 END, '${SEED_BASE}'::timestamp + (i / 3) * interval '1 second'
         FROM generate_series(1, $1::int) i CROSS JOIN generate_series(1, 2) k
        WHERE k = 1 OR (i % 2 = 0 AND $2::boolean)
        ORDER BY i, k`,
      [o.stocks, o.barcodes !== 'one'],
    );
  }
  await erp.query(
    `INSERT INTO "STOK_SATIS_FIYAT_LISTELERI" (sfiyat_stokkod, sfiyat_listesirano, sfiyat_deposirano, sfiyat_odemeplan, sfiyat_fiyati, sfiyat_lastup_date)
     SELECT 'S' || lpad(i::text, 6, '0'), l, 0, 0, round((i * 0.5 + l * 10 + 0.333)::numeric, 3), '${SEED_BASE}'::timestamp + (i / 3) * interval '1 second'
       FROM generate_series(1, $1::int) i CROSS JOIN generate_series(1, $2::int) l
      ORDER BY i, l`,
    [o.stocks, lists],
  );
  const accounts = o.accounts ?? 0;
  if (accounts) {
    await erp.query(
      `INSERT INTO "CARI_HESAPLAR" (cari_kod, cari_unvan1, cari_unvan2, "cari_CepTel", "cari_EMail", cari_vdaire_adi, cari_vdaire_no, cari_baglanti_tipi, cari_lastup_date)
       SELECT 'C' || lpad(i::text, 5, '0'), 'Müşteri ' || i, CASE WHEN i % 2 = 0 THEN 'Ltd. ' ELSE '' END, ' 0532' || lpad(i::text, 7, '0') || ' ',
              'c' || i || '@example.com', 'Kadıköy', lpad(i::text, 10, '0'), CASE WHEN i % 5 = 0 THEN 1 ELSE 0 END,
              '${SEED_BASE}'::timestamp + (i / 3) * interval '1 second'
         FROM generate_series(1, $1::int) i`,
      [accounts],
    );
  }
  if (o.accountMovements && accounts) {
    // Kinds cycle: sales 63, collection 1 (cinsi 0 / 17), payment 64 (cinsi 0 / 20), purchase 0,
    // sale closed to cash box 001 (account in cha_ciro_cari_kodu), sales return.
    await erp.query(
      `INSERT INTO "CARI_HESAP_HAREKETLERI" (cha_tarihi, cha_evrakno_seri, cha_evrakno_sira, cha_kod, cha_ciro_cari_kodu, cha_meblag, cha_aciklama, cha_cinsi,
                                             cha_evrak_tip, cha_tip, "cha_normal_Iade", cha_kasa_hizkod, cha_tpoz, cha_cari_cins, cha_grupno, cha_vade,
                                             cha_ft_iskonto1, cha_lastup_date)
       SELECT '2025-03-01'::timestamp + (i % 28) * interval '1 day', CASE WHEN i % 2 = 0 THEN 'ST' ELSE '' END, i,
              CASE WHEN i % 7 = 5 THEN '001' ELSE 'C' || lpad((i % $2::int + 1)::text, 5, '0') END,
              CASE WHEN i % 7 = 5 THEN 'C' || lpad((i % $2::int + 1)::text, 5, '0') ELSE '' END,
              i * 10.5, 'Hareket ' || i,
              (ARRAY[6, 0, 17, 0, 20, 6, 6])[i % 7 + 1], (ARRAY[63, 1, 1, 64, 64, 63, 63])[i % 7 + 1], (ARRAY[0, 1, 1, 0, 0, 0, 0])[i % 7 + 1],
              CASE WHEN i % 7 = 6 THEN 1 ELSE 0 END, CASE WHEN i % 7 = 1 THEN '001' ELSE '' END,
              CASE WHEN i % 7 = 5 THEN 1 ELSE 0 END, CASE WHEN i % 7 = 5 THEN 4 ELSE 0 END, 0,
              CASE WHEN i % 3 = 0 THEN 20250415 ELSE 0 END, CASE WHEN i % 10 = 0 THEN 5 ELSE 0 END,
              '${SEED_BASE}'::timestamp + (i / 3) * interval '1 second'
         FROM generate_series(1, $1::int) i`,
      [o.accountMovements, accounts],
    );
  }
  if (o.stockMovements) {
    await erp.query(
      `INSERT INTO "STOK_HAREKETLERI" (sth_tarih, sth_evrakno_seri, sth_evrakno_sira, sth_stok_kod, sth_cari_kodu, sth_miktar, sth_tutar, sth_vergi, sth_vergi_pntr,
                                       sth_tip, sth_cins, sth_normal_iade, sth_evraktip, sth_fat_recid_recno, sth_iskonto1, sth_isemri_gider_kodu, sth_lastup_date)
       SELECT '2025-03-01'::timestamp + (i % 28) * interval '1 day', 'ST', i, 'S' || lpad((i % $2::int + 1)::text, 6, '0'),
              CASE WHEN i % 4 = 0 THEN '' ELSE 'C' || lpad((i % greatest($3::int, 1) + 1)::text, 5, '0') END,
              CASE WHEN i % 9 = 0 THEN 2.5 ELSE (i % 5) + 1 END, i * 3, i * 0.6, i % 7, CASE WHEN i % 3 = 0 THEN 0 ELSE 1 END,
              CASE WHEN i % 11 = 0 THEN 10 ELSE 0 END, 0, CASE WHEN i % 3 = 0 THEN 3 ELSE 4 END, i, CASE WHEN i % 6 = 0 THEN 1.5 ELSE 0 END,
              CASE WHEN i % 11 = 0 THEN 'SAYIM' ELSE '' END, '${SEED_BASE}'::timestamp + (i / 3) * interval '1 second'
         FROM generate_series(1, $1::int) i`,
      [o.stockMovements, o.stocks, accounts],
    );
  }
}

/** Marks ERP rows changed now (a Mikro user edited them): new value and lastup = the ERP's clock. */
export async function touchErp(erp: pg.Pool, table: string, set: string, where: string, params: unknown[] = []): Promise<number> {
  const prefix = { STOKLAR: 'sto', BARKOD_TANIMLARI: 'bar', STOK_SATIS_FIYAT_LISTELERI: 'sfiyat', CARI_HESAPLAR: 'cari', CARI_HESAP_HAREKETLERI: 'cha', STOK_HAREKETLERI: 'sth' }[table];
  if (!prefix) throw new Error(`touchErp: unknown table ${table}`);
  const res = await erp.query(`UPDATE "${table}" SET ${set}, ${prefix}_lastup_date = LOCALTIMESTAMP(3) WHERE ${where}`, params);
  return res.rowCount ?? 0;
}
