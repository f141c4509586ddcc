-- Up Migration
-- Stock XML feed (xml domain). `xmlurunler` belongs to the web application and exists in
-- production; `entegra_pictures` belongs to the Entegra mirror, whose migration runs before this
-- one. Every statement is guarded.
SET client_min_messages = warning;

-- The feed reads the pictures of one page of products at a time: by product, in feed order.
DO $$
BEGIN
  IF to_regclass('entegra_pictures') IS NOT NULL THEN
    CREATE INDEX IF NOT EXISTS "mikrosync_xml_pictures_product_idx" ON "entegra_pictures" ("product_id", "sort_order", "id");
  END IF;
END $$;

DO $$
BEGIN
  IF to_regclass('entegra_product') IS NOT NULL THEN
    CREATE INDEX IF NOT EXISTS "mikrosync_xml_product_code_idx" ON "entegra_product" ("productCode");
  END IF;

  IF to_regclass('xmlurunler') IS NOT NULL THEN
    -- What the original's stock-xml.service.js added on every run (spec stock-xml.md §2.1).
    ALTER TABLE xmlurunler ADD COLUMN IF NOT EXISTS raf_numarasi text;
    ALTER TABLE xmlurunler ADD COLUMN IF NOT EXISTS mensei text;
    ALTER TABLE xmlurunler ADD COLUMN IF NOT EXISTS grup_kod text;
    ALTER TABLE xmlurunler ADD COLUMN IF NOT EXISTS ana_grup_kod text;
    ALTER TABLE xmlurunler ADD COLUMN IF NOT EXISTS "Price2" numeric DEFAULT 0;
    ALTER TABLE xmlurunler ADD COLUMN IF NOT EXISTS "Pricebayi" numeric DEFAULT 0;
    -- Two stock cards may share a barcode: the original dropped this constraint in production
    -- (fix_barcode_constraint.js, 2026-01-11) because it broke whole batches.
    ALTER TABLE xmlurunler DROP CONSTRAINT IF EXISTS xmlurunler_barcode_key;
    -- The upsert's conflict target; it went missing once in production (re-added 2026-05-14).
    -- Added only when the data allows it; otherwise the feed job names the problem.
    IF NOT EXISTS (
      SELECT 1 FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0]
       WHERE i.indrelid = 'xmlurunler'::regclass AND i.indisunique AND i.indnkeyatts = 1 AND a.attname = 'product_code'
    ) AND NOT EXISTS (SELECT 1 FROM xmlurunler GROUP BY product_code HAVING count(*) > 1) THEN
      ALTER TABLE xmlurunler ADD CONSTRAINT xmlurunler_product_code_key UNIQUE (product_code);
    END IF;
  END IF;
END $$;

-- Down Migration
DROP INDEX IF EXISTS "mikrosync_xml_product_code_idx";
DROP INDEX IF EXISTS "mikrosync_xml_pictures_product_idx";
