-- Up Migration
-- What the catalog sync (ERP -> Web) needs in the web app's tables. Every statement is guarded:
-- an existing installation keeps its data, and a unique index that its data would violate is not
-- created (a WARNING names it; the sync then refuses to run and says which duplicates to remove).

-- The ERP record of a barcode and of a price: the first barcode of a stock is the lowest bar_RECno
-- (spec 2.4), and both tell ERP-origin rows from web-made ones when deletions are reconciled.
DO $$
BEGIN
  IF to_regclass('urun_barkodlari') IS NOT NULL THEN
    ALTER TABLE urun_barkodlari ADD COLUMN IF NOT EXISTS erp_recno bigint;
    CREATE INDEX IF NOT EXISTS urun_barkodlari_stok_id_mks_idx ON urun_barkodlari (stok_id);
    CREATE INDEX IF NOT EXISTS urun_barkodlari_erp_recno_mks_idx ON urun_barkodlari (erp_recno) WHERE erp_recno IS NOT NULL;
  END IF;
  IF to_regclass('urun_fiyat_listeleri') IS NOT NULL THEN
    ALTER TABLE urun_fiyat_listeleri ADD COLUMN IF NOT EXISTS erp_recno bigint;
    CREATE INDEX IF NOT EXISTS urun_fiyat_listeleri_erp_recno_mks_idx ON urun_fiyat_listeleri (erp_recno) WHERE erp_recno IS NOT NULL;
  END IF;
  -- The catalog sync updates a few non-indexed columns of every stock after inserting it (main
  -- barcode, list-1 price, stock on hand): room on each page lets PostgreSQL update in place (HOT),
  -- without new index entries. Affects pages written from now on; no data changes.
  IF to_regclass('stoklar') IS NOT NULL THEN
    ALTER TABLE stoklar SET (fillfactor = 70);
  END IF;
  -- Lookup keys of the small master tables (no unique key: the web app may hold duplicates).
  IF to_regclass('kategoriler') IS NOT NULL THEN
    CREATE INDEX IF NOT EXISTS kategoriler_erp_id_mks_idx ON kategoriler (erp_id) WHERE erp_id IS NOT NULL;
  END IF;
  IF to_regclass('fiyat_tanimlari') IS NOT NULL THEN
    CREATE INDEX IF NOT EXISTS fiyat_tanimlari_sira_no_mks_idx ON fiyat_tanimlari (sira_no);
  END IF;
  IF to_regclass('kasalar') IS NOT NULL THEN
    CREATE INDEX IF NOT EXISTS kasalar_kasa_kodu_mks_idx ON kasalar (kasa_kodu);
  END IF;
  IF to_regclass('bankalar') IS NOT NULL THEN
    CREATE INDEX IF NOT EXISTS bankalar_ban_kod_mks_idx ON bankalar (ban_kod);
  END IF;
END $$;

-- The conflict targets of the upserts (spec rule 13), where the web app lacks them.
DO $$
DECLARE
  k record;
  present boolean;
  duplicated boolean;
  not_null text;
BEGIN
  FOR k IN SELECT * FROM (VALUES
      ('stoklar', 'stok_kodu', 'stoklar_stok_kodu_mks_key'),
      ('urun_barkodlari', 'barkod', 'urun_barkodlari_barkod_mks_key'),
      ('urun_fiyat_listeleri', 'fiyat_tanimi_id,stok_id', 'urun_fiyat_listeleri_stok_fiyat_mks_key'),
      ('cari_hesaplar', 'cari_kodu', 'cari_hesaplar_cari_kodu_mks_key'),
      ('cari_hesap_hareketleri', 'erp_recno', 'cari_hesap_hareketleri_erp_recno_mks_key'),
      ('stok_hareketleri', 'erp_recno', 'stok_hareketleri_erp_recno_mks_key'),
      ('int_kodmap_stok', 'erp_stok_kod', 'int_kodmap_stok_erp_stok_kod_mks_key')
    ) AS v(tbl, cols, idx)
  LOOP
    CONTINUE WHEN to_regclass(k.tbl) IS NULL;
    SELECT EXISTS (
      SELECT 1 FROM pg_index i
       WHERE i.indrelid = to_regclass(k.tbl) AND i.indisunique AND i.indpred IS NULL
         AND (SELECT string_agg(a.attname, ',' ORDER BY a.attname) FROM pg_attribute a WHERE a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey)) = k.cols
    ) INTO present;
    CONTINUE WHEN present;
    SELECT string_agg(format('%I IS NOT NULL', c), ' AND ') INTO not_null FROM unnest(string_to_array(k.cols, ',')) AS c;
    EXECUTE format('SELECT EXISTS (SELECT 1 FROM %I WHERE %s GROUP BY %s HAVING count(*) > 1)', k.tbl, not_null, k.cols) INTO duplicated;
    IF duplicated THEN
      RAISE WARNING 'mikrosync: %(%) holds duplicate values, unique index % not created; remove the duplicates and migrate again', k.tbl, k.cols, k.idx;
    ELSE
      EXECUTE format('CREATE UNIQUE INDEX %I ON %I (%s)', k.idx, k.tbl, k.cols);
    END IF;
  END LOOP;
END $$;

-- Down Migration
-- The erp_recno columns stay (dropping them would lose which rows came from the ERP).
DROP INDEX IF EXISTS urun_barkodlari_stok_id_mks_idx;
DROP INDEX IF EXISTS urun_barkodlari_erp_recno_mks_idx;
DROP INDEX IF EXISTS urun_fiyat_listeleri_erp_recno_mks_idx;
DROP INDEX IF EXISTS kategoriler_erp_id_mks_idx;
DROP INDEX IF EXISTS fiyat_tanimlari_sira_no_mks_idx;
DROP INDEX IF EXISTS kasalar_kasa_kodu_mks_idx;
DROP INDEX IF EXISTS bankalar_ban_kod_mks_idx;
DROP INDEX IF EXISTS stoklar_stok_kodu_mks_key;
DROP INDEX IF EXISTS urun_barkodlari_barkod_mks_key;
DROP INDEX IF EXISTS urun_fiyat_listeleri_stok_fiyat_mks_key;
DROP INDEX IF EXISTS cari_hesaplar_cari_kodu_mks_key;
DROP INDEX IF EXISTS cari_hesap_hareketleri_erp_recno_mks_key;
DROP INDEX IF EXISTS stok_hareketleri_erp_recno_mks_key;
DROP INDEX IF EXISTS int_kodmap_stok_erp_stok_kod_mks_key;
-- The attach function as sync-core defined it (triggers attached meanwhile keep their WHEN clause
-- until they are attached again).
CREATE OR REPLACE FUNCTION mikrosync_attach_capture(regclass_or_text text, key_column text DEFAULT 'id') RETURNS boolean
LANGUAGE plpgsql AS $$
BEGIN
  IF to_regclass(regclass_or_text) IS NULL THEN
    RETURN false;
  END IF;
  EXECUTE format('DROP TRIGGER IF EXISTS mikrosync_capture ON %s', to_regclass(regclass_or_text));
  EXECUTE format(
    'CREATE TRIGGER mikrosync_capture AFTER INSERT OR UPDATE OR DELETE ON %s FOR EACH ROW EXECUTE FUNCTION mikrosync_capture(%L)',
    to_regclass(regclass_or_text), key_column);
  RETURN true;
END $$;
