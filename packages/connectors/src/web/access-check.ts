/**
 * What `test-connection` checks in the web database: that it is the web app's database at all (its
 * own tables), and that our migrations ran (our tables). The two have different fixes: the first
 * is a wrong WEB_DATABASE_URL, the second is `mikrosync migrate`.
 */
import type { WebPool } from './pool.js';

/** Tables of the web app itself that the flows read and write. */
export const WEB_APP_TABLES = ['cari_hesaplar', 'tahsilatlar', 'satislar', 'satis_kalemleri', 'stoklar', 'kasalar', 'bankalar', 'depolar', 'stok_hareketleri'];
/** Tables our migrations create. */
export const OUR_WEB_TABLES = ['sync_outbox', 'sync_state', 'sync_runs', 'sync_audit_log', 'int_tahsilat_mapping', 'int_kodmap_cari'];

export type WebDatabaseCheck = { ok: true; version: string } | { ok: false; problem: string };

export async function checkWebDatabase(web: WebPool): Promise<WebDatabaseCheck> {
  const missing = async (tables: string[]) =>
    (await web.query<{ t: string }>(`SELECT t FROM unnest($1::text[]) t WHERE to_regclass(quote_ident(t)) IS NULL`, [tables])).rows.map((r) => r.t);
  const appMissing = await missing(WEB_APP_TABLES);
  if (appMissing.length === WEB_APP_TABLES.length) {
    return { ok: false, problem: `connected, but this is not the web app's database: none of its tables (${WEB_APP_TABLES.slice(0, 4).join(', ')}, ...) exist. Check WEB_DATABASE_URL` };
  }
  if (appMissing.length) return { ok: false, problem: `connected, but tables of the web app are missing: ${appMissing.join(', ')} (is WEB_DATABASE_URL the web app's database?)` };
  const oursMissing = await missing(OUR_WEB_TABLES);
  if (oursMissing.length) return { ok: false, problem: `the web app's database, but mikrosync's tables are missing: ${oursMissing.join(', ')} (run: mikrosync migrate)` };
  const v = (await web.query<{ v: string }>('SELECT version() AS v')).rows[0]?.v ?? '';
  return { ok: true, version: v.split(',')[0] ?? '' };
}
