import { bool, example, int, secret, url } from '../fields.js';
import { section } from '../section.js';

export const web = section(
  'Web database (Supabase PostgreSQL)',
  {
    WEB_DATABASE_URL: secret(example(url(['postgres:', 'postgresql:'], 'postgres://user:password@host:5432/postgres'), 'postgres://postgres:password@127.0.0.1:5432/postgres')).describe(
      "Required. Use a direct connection or Supabase's *session* pooler (port 5432): the producer LISTENs,\nwhich the transaction pooler (port 6543) cannot do.",
    ),
    WEB_DB_POOL_MAX: int(10, 1, 200),
    WEB_DB_SSL: bool(false).describe('true for Supabase'),
  },
  (e) => ({ url: e.WEB_DATABASE_URL, poolMax: e.WEB_DB_POOL_MAX, ssl: e.WEB_DB_SSL }),
);
