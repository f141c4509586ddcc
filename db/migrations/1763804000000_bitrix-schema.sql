-- Up Migration
-- Bitrix24 -> PostgreSQL: one table per entity in schema `bitrix`, typed key columns for queries
-- and the whole record as received (`data`). Rows gone from Bitrix24 are soft-deleted
-- (`deleted_at`) by the ID reconciliation; `synced_at` moves only when a row really changed.
-- Runs in the web database, or (BITRIX_DATABASE_URL) in a database of its own, where it also
-- creates the `sync_state` table that holds the watermarks.

CREATE SCHEMA IF NOT EXISTS bitrix;

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
ALTER TABLE sync_state ADD COLUMN IF NOT EXISTS watermark_time timestamp(3);
ALTER TABLE sync_state ADD COLUMN IF NOT EXISTS watermark_recno bigint;
ALTER TABLE sync_state ADD COLUMN IF NOT EXISTS details jsonb;

-- Our rows use yon = 'bitrix_to_web'. If a check on `yon` exists, extend it with that value and
-- keep every value it already allows (other domains add theirs the same way).
DO $$
DECLARE
  c record;
  vals text;
BEGIN
  FOR c IN
    SELECT conname, pg_get_constraintdef(oid) AS def FROM pg_constraint
     WHERE conrelid = 'sync_state'::regclass AND contype = 'c' AND pg_get_constraintdef(oid) ~ '\myon\M'
  LOOP
    IF position('bitrix_to_web' in c.def) = 0 THEN
      SELECT string_agg(quote_literal(m[1]), ', ') INTO vals FROM regexp_matches(c.def, '''([^'']+)''', 'g') AS m;
      EXECUTE format('ALTER TABLE sync_state DROP CONSTRAINT %I', c.conname);
      EXECUTE format('ALTER TABLE sync_state ADD CONSTRAINT %I CHECK (yon IN (%s))', c.conname,
                     concat_ws(', ', vals, quote_literal('bitrix_to_web')));
    END IF;
  END LOOP;
END $$;

CREATE TABLE IF NOT EXISTS bitrix.leads (
  id                 bigint PRIMARY KEY,
  title              text,
  name               text,
  last_name          text,
  status_id          text,
  status_semantic_id text,
  source_id          text,
  company_title      text,
  company_id         bigint,
  contact_id         bigint,
  assigned_by_id     bigint,
  opportunity        numeric,
  currency_id        text,
  phone              text,
  email              text,
  web                text,
  im                 text,
  multi_fields       jsonb,
  date_create        timestamptz,
  date_modify        timestamptz,
  date_closed        timestamptz,
  data               jsonb       NOT NULL,
  synced_at          timestamptz NOT NULL DEFAULT now(),
  deleted_at         timestamptz
);
CREATE INDEX IF NOT EXISTS leads_date_modify_idx ON bitrix.leads (date_modify);
CREATE INDEX IF NOT EXISTS leads_assigned_idx ON bitrix.leads (assigned_by_id);
CREATE INDEX IF NOT EXISTS leads_phone_idx ON bitrix.leads (phone);
CREATE INDEX IF NOT EXISTS leads_email_idx ON bitrix.leads (lower(email));

CREATE TABLE IF NOT EXISTS bitrix.contacts (
  id             bigint PRIMARY KEY,
  name           text,
  second_name    text,
  last_name      text,
  post           text,
  type_id        text,
  source_id      text,
  company_id     bigint,
  lead_id        bigint,
  assigned_by_id bigint,
  birthdate      date,
  phone          text,
  email          text,
  web            text,
  im             text,
  multi_fields   jsonb,
  date_create    timestamptz,
  date_modify    timestamptz,
  data           jsonb       NOT NULL,
  synced_at      timestamptz NOT NULL DEFAULT now(),
  deleted_at     timestamptz
);
CREATE INDEX IF NOT EXISTS contacts_company_idx ON bitrix.contacts (company_id);
CREATE INDEX IF NOT EXISTS contacts_phone_idx ON bitrix.contacts (phone);
CREATE INDEX IF NOT EXISTS contacts_email_idx ON bitrix.contacts (lower(email));

CREATE TABLE IF NOT EXISTS bitrix.companies (
  id             bigint PRIMARY KEY,
  title          text,
  company_type   text,
  industry       text,
  employees      text,
  revenue        numeric,
  currency_id    text,
  assigned_by_id bigint,
  is_my_company  boolean,
  phone          text,
  email          text,
  web            text,
  im             text,
  multi_fields   jsonb,
  date_create    timestamptz,
  date_modify    timestamptz,
  data           jsonb       NOT NULL,
  synced_at      timestamptz NOT NULL DEFAULT now(),
  deleted_at     timestamptz
);

CREATE TABLE IF NOT EXISTS bitrix.deals (
  id                bigint PRIMARY KEY,
  title             text,
  type_id           text,
  stage_id          text,
  stage_semantic_id text,
  category_id       integer,
  opportunity       numeric,
  currency_id       text,
  lead_id           bigint,
  company_id        bigint,
  contact_id        bigint,
  assigned_by_id    bigint,
  source_id         text,
  begindate         date,
  closedate         date,
  closed            boolean,
  date_create       timestamptz,
  date_modify       timestamptz,
  data              jsonb       NOT NULL,
  synced_at         timestamptz NOT NULL DEFAULT now(),
  deleted_at        timestamptz
);
CREATE INDEX IF NOT EXISTS deals_stage_idx ON bitrix.deals (category_id, stage_id);
CREATE INDEX IF NOT EXISTS deals_company_idx ON bitrix.deals (company_id);
CREATE INDEX IF NOT EXISTS deals_contact_idx ON bitrix.deals (contact_id);

CREATE TABLE IF NOT EXISTS bitrix.activities (
  id               bigint PRIMARY KEY,
  owner_id         bigint,
  owner_type_id    integer,
  type_id          integer,
  provider_id      text,
  provider_type_id text,
  subject          text,
  responsible_id   bigint,
  completed        boolean,
  status           integer,
  direction        integer,
  priority         integer,
  start_time       timestamptz,
  end_time         timestamptz,
  deadline         timestamptz,
  created          timestamptz,
  last_updated     timestamptz,
  data             jsonb       NOT NULL,
  synced_at        timestamptz NOT NULL DEFAULT now(),
  deleted_at       timestamptz
);
CREATE INDEX IF NOT EXISTS activities_owner_idx ON bitrix.activities (owner_type_id, owner_id);

CREATE TABLE IF NOT EXISTS bitrix.tasks (
  id             bigint PRIMARY KEY,
  parent_id      bigint,
  title          text,
  status         integer,
  priority       integer,
  group_id       bigint,
  responsible_id bigint,
  created_by     bigint,
  changed_by     bigint,
  closed_by      bigint,
  created_date   timestamptz,
  changed_date   timestamptz,
  closed_date    timestamptz,
  activity_date  timestamptz,
  deadline       timestamptz,
  comments_count integer,
  tags           text[],
  crm_bindings   text[],
  data           jsonb       NOT NULL,
  synced_at      timestamptz NOT NULL DEFAULT now(),
  deleted_at     timestamptz,
  -- The comment count and activity date for which the comments were last read: a task whose
  -- current values differ has new, edited or deleted comments (a durable to-do list).
  comments_synced_count    integer,
  comments_synced_activity timestamptz
);
CREATE INDEX IF NOT EXISTS tasks_responsible_idx ON bitrix.tasks (responsible_id);

CREATE TABLE IF NOT EXISTS bitrix.task_comments (
  id           bigint PRIMARY KEY,
  task_id      bigint      NOT NULL,
  author_id    bigint,
  author_name  text,
  post_date    timestamptz,
  post_message text,
  data         jsonb       NOT NULL,
  synced_at    timestamptz NOT NULL DEFAULT now(),
  deleted_at   timestamptz
);
CREATE INDEX IF NOT EXISTS task_comments_task_idx ON bitrix.task_comments (task_id);

CREATE TABLE IF NOT EXISTS bitrix.users (
  id              bigint PRIMARY KEY,
  active          boolean,
  name            text,
  last_name       text,
  second_name     text,
  email           text,
  work_position   text,
  user_type       text,
  departments     bigint[],
  personal_mobile text,
  work_phone      text,
  last_login      timestamptz,
  date_register   timestamptz,
  timestamp_x     timestamptz,
  data            jsonb       NOT NULL,
  synced_at       timestamptz NOT NULL DEFAULT now(),
  deleted_at      timestamptz
);

CREATE TABLE IF NOT EXISTS bitrix.departments (
  id         bigint PRIMARY KEY,
  name       text,
  sort       integer,
  parent_id  bigint,
  head_id    bigint,
  data       jsonb       NOT NULL,
  synced_at  timestamptz NOT NULL DEFAULT now(),
  deleted_at timestamptz
);

-- Down Migration
DELETE FROM sync_state WHERE yon = 'bitrix_to_web';
DROP SCHEMA IF EXISTS bitrix CASCADE;
