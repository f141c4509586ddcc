/** Where the tests find PostgreSQL and Redis (local services; overridable for other machines). */
export const TEST_PG_URL = process.env.TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
// Template databases of this test run (set by the global setup), so parallel runs do not collide.
export const TEMPLATE_WEB = process.env.MIKROSYNC_TPL_WEB ?? 'mikrosync_tpl_web';
export const TEMPLATE_ERP = process.env.MIKROSYNC_TPL_ERP ?? 'mikrosync_tpl_erp';

export function dbUrl(name: string): string {
  const u = new URL(TEST_PG_URL);
  u.pathname = `/${name}`;
  return u.toString();
}
