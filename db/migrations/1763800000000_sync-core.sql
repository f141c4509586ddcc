-- Up Migration
-- What mikrosync owns in the web database: the outbox, watermarks, code and document maps.
-- Every statement is guarded so an existing installation of the original tool keeps its data.

CREATE TABLE IF NOT EXISTS sync_outbox (
  id            bigserial PRIMARY KEY,
  table_name    text        NOT NULL,
  record_id     text        NOT NULL,
  operation     text        NOT NULL CHECK (operation IN ('INSERT', 'UPDATE', 'DELETE')),
  -- the old row of a DELETE: the job needs it because the web row is gone by then
  payload       jsonb,
  status        text        NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'enqueued', 'done', 'failed')),
  attempts      integer     NOT NULL DEFAULT 0,
  last_error    text,
  job_id        text,
  created_at    timestamptz NOT NULL DEFAULT now(),
  enqueued_at   timestamptz,
  processed_at  timestamptz,
  updated_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS sync_outbox_open_idx ON sync_outbox (status, id) WHERE status IN ('pending', 'enqueued', 'failed');
CREATE INDEX IF NOT EXISTS sync_outbox_record_idx ON sync_outbox (table_name, record_id, id);

CREATE TABLE IF NOT EXISTS sync_state (
  id                         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tablo_adi                  varchar(100) NOT NULL,
  yon                        varchar(20)  NOT NULL,
  son_senkronizasyon_zamani  timestamptz,
  kayit_sayisi               integer DEFAULT 0,
  basarili                   boolean DEFAULT true,
  hata_mesaji                text,
  olusturma_tarihi           timestamptz DEFAULT now(),
  guncelleme_tarihi          timestamptz DEFAULT now(),
  UNIQUE (tablo_adi, yon)
);
-- Watermark of docs/architecture.md rule 7: (last-modified time, record number) of the last committed row.
ALTER TABLE sync_state ADD COLUMN IF NOT EXISTS watermark_time timestamp(3);
ALTER TABLE sync_state ADD COLUMN IF NOT EXISTS watermark_recno bigint;
ALTER TABLE sync_state ADD COLUMN IF NOT EXISTS details jsonb;

CREATE TABLE IF NOT EXISTS int_kodmap_cari (
  web_cari_id  uuid PRIMARY KEY,
  erp_cari_kod varchar(50) NOT NULL UNIQUE,
  aciklama     text,
  sync_date    timestamptz DEFAULT now(),
  created_at   timestamptz DEFAULT now()
);
CREATE TABLE IF NOT EXISTS int_kodmap_stok (
  web_stok_id  uuid PRIMARY KEY,
  erp_stok_kod varchar(50) NOT NULL UNIQUE,
  aciklama     text,
  sync_date    timestamptz DEFAULT now(),
  created_at   timestamptz DEFAULT now()
);
CREATE TABLE IF NOT EXISTS int_kodmap_banka (
  web_banka_id  uuid PRIMARY KEY,
  erp_banka_kod varchar(50) NOT NULL UNIQUE,
  aciklama      text,
  sync_date     timestamptz DEFAULT now(),
  created_at    timestamptz DEFAULT now()
);
CREATE TABLE IF NOT EXISTS int_kodmap_kasa (
  web_kasa_id  uuid PRIMARY KEY,
  erp_kasa_kod varchar(50) NOT NULL UNIQUE,
  aciklama     text,
  sync_date    timestamptz DEFAULT now(),
  created_at   timestamptz DEFAULT now()
);
CREATE TABLE IF NOT EXISTS int_kodmap_fiyat_liste (
  web_fiyat_tanimi_id uuid PRIMARY KEY,
  erp_liste_no        integer NOT NULL UNIQUE,
  aciklama            text,
  sync_date           timestamptz DEFAULT now(),
  created_at          timestamptz DEFAULT now()
);
CREATE TABLE IF NOT EXISTS int_satis_mapping (
  web_satis_id    uuid PRIMARY KEY,
  erp_evrak_seri  varchar(10),
  erp_evrak_no    integer,
  aktarim_tarihi  timestamp DEFAULT CURRENT_TIMESTAMP,
  UNIQUE (erp_evrak_seri, erp_evrak_no)
);
CREATE TABLE IF NOT EXISTS int_alis_mapping (
  web_alis_id     uuid PRIMARY KEY,
  erp_evrak_seri  varchar(10),
  erp_evrak_no    integer,
  sync_date       timestamp DEFAULT now()
);
CREATE TABLE IF NOT EXISTS int_iade_mapping (
  web_iade_id     uuid PRIMARY KEY,
  erp_evrak_seri  varchar(10),
  erp_evrak_no    integer,
  created_at      timestamp DEFAULT now()
);
-- Collections had no map in the original (and no idempotency): this is the new one.
CREATE TABLE IF NOT EXISTS int_tahsilat_mapping (
  web_tahsilat_id  uuid PRIMARY KEY,
  erp_evrak_tip    integer     NOT NULL,
  erp_evrak_seri   varchar(10) NOT NULL,
  erp_evrak_no     integer     NOT NULL,
  erp_recno        integer     NOT NULL,
  erp_refno        varchar(30),
  aktarim_tarihi   timestamptz NOT NULL DEFAULT now(),
  UNIQUE (erp_evrak_tip, erp_evrak_seri, erp_evrak_no)
);

-- Bank group numbers that Mikro writes into cha_karsidgrupno / sck_*_grupno: per bank and
-- document kind, because the same bank shows different groups for different kinds (open question Q11).
CREATE TABLE IF NOT EXISTS int_banka_grup (
  ban_kod     varchar(25) NOT NULL,
  belge_turu  varchar(40) NOT NULL,
  grup_no     integer     NOT NULL,
  aciklama    text,
  PRIMARY KEY (ban_kod, belge_turu)
);

-- The generic capture function: one outbox row per change and a NOTIFY carrying only its id.
-- Writes made by mikrosync itself set mikrosync.origin = 'sync' for their transaction and are skipped.
-- TG_ARGV[0] names the key column when it is not "id".
CREATE OR REPLACE FUNCTION mikrosync_capture() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  key_column text := coalesce(TG_ARGV[0], 'id');
  row_data   jsonb;
  outbox_id  bigint;
BEGIN
  IF coalesce(current_setting('mikrosync.origin', true), '') = 'sync' THEN
    RETURN NULL;
  END IF;
  row_data := CASE WHEN TG_OP = 'DELETE' THEN to_jsonb(OLD) ELSE to_jsonb(NEW) END;
  INSERT INTO sync_outbox (table_name, record_id, operation, payload)
  VALUES (TG_TABLE_NAME, row_data ->> key_column, TG_OP, CASE WHEN TG_OP = 'DELETE' THEN row_data END)
  RETURNING id INTO outbox_id;
  PERFORM pg_notify('mikrosync_outbox', outbox_id::text);
  RETURN NULL;
END $$;

-- Attaching capture to a table is one line: SELECT mikrosync_attach_capture('tahsilatlar');
-- Returns false when the table does not exist (yet). The trigger's WHEN clause already skips the
-- sync's own writes: an AFTER ROW trigger that is queued, fires and returns costs tens of
-- microseconds a row, which a catalog sync of 500,000 rows would pay in full.
CREATE OR REPLACE FUNCTION mikrosync_attach_capture(regclass_or_text text, key_column text DEFAULT 'id') RETURNS boolean
LANGUAGE plpgsql AS $$
BEGIN
  IF to_regclass(regclass_or_text) IS NULL THEN
    RETURN false;
  END IF;
  EXECUTE format('DROP TRIGGER IF EXISTS mikrosync_capture ON %s', to_regclass(regclass_or_text));
  EXECUTE format(
    'CREATE TRIGGER mikrosync_capture AFTER INSERT OR UPDATE OR DELETE ON %s FOR EACH ROW '
    'WHEN (coalesce(current_setting(''mikrosync.origin'', true), '''') <> ''sync'') EXECUTE FUNCTION mikrosync_capture(%L)',
    to_regclass(regclass_or_text), key_column);
  RETURN true;
END $$;

-- Down Migration
DROP FUNCTION IF EXISTS mikrosync_attach_capture(text, text);
DROP FUNCTION IF EXISTS mikrosync_capture() CASCADE;
DROP TABLE IF EXISTS int_banka_grup;
DROP TABLE IF EXISTS int_tahsilat_mapping;
DROP TABLE IF EXISTS sync_outbox;
