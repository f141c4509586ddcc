-- Up Migration
-- Depot transfers made on the web become Mikro inter-depot slips (stock domain), but the web app's
-- stok_hareketleri has no depot columns. Two nullable columns carry Mikro depot numbers
-- (depolar.depo_no = DEPOLAR.dep_no): a transfer needs both; a stock count may name its depot in
-- cikis_depo_no (otherwise STOCK_COUNT_DEPOT_NO). Rows written by the ERP -> Web sync leave them NULL.
DO $$
BEGIN
  IF to_regclass('stok_hareketleri') IS NOT NULL THEN
    ALTER TABLE stok_hareketleri ADD COLUMN IF NOT EXISTS cikis_depo_no integer;
    ALTER TABLE stok_hareketleri ADD COLUMN IF NOT EXISTS giris_depo_no integer;
  END IF;
END $$;

-- Down Migration
SELECT 1;
