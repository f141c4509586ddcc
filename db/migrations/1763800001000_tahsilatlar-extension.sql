-- Up Migration
-- Texts Mikro keeps for a customer cheque or note that the web app's tahsilatlar has no column for
-- (the original read sube_adi and hesap_no although they did not exist). Nullable: the web app
-- fills them when it can; empty means '' in Mikro. Payment kinds: widen the tediye_tipi check to
-- the company credit card, which Mikro knows as a payment kind.
DO $$
BEGIN
  IF to_regclass('tahsilatlar') IS NOT NULL THEN
    ALTER TABLE tahsilatlar ADD COLUMN IF NOT EXISTS sube_adi text;
    ALTER TABLE tahsilatlar ADD COLUMN IF NOT EXISTS hesap_no text;
    ALTER TABLE tahsilatlar ADD COLUMN IF NOT EXISTS keside_yeri text;
    ALTER TABLE tahsilatlar ADD COLUMN IF NOT EXISTS borclu_adres text;
    ALTER TABLE tahsilatlar ADD COLUMN IF NOT EXISTS borclu_sehir text;
    ALTER TABLE tahsilatlar ADD COLUMN IF NOT EXISTS duzenleme_tarihi date;
    ALTER TABLE tahsilatlar DROP CONSTRAINT IF EXISTS tahsilatlar_tediye_tipi_check;
    ALTER TABLE tahsilatlar ADD CONSTRAINT tahsilatlar_tediye_tipi_check
      CHECK (tediye_tipi IS NULL OR tediye_tipi = ANY (ARRAY['nakit', 'havale', 'cek', 'senet', 'kredi_karti']));
  END IF;
END $$;

-- Down Migration
SELECT 1;
