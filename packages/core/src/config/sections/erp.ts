import { z } from 'zod';
import { bool, int, secret, timeZone } from '../fields.js';
import { section } from '../section.js';

export const erp = section(
  'ERP (Mikro)',
  {
    ERP_DIALECT: z
      .enum(['mssql', 'pg'], { message: 'expected mssql (SQL Server) or pg (PostgreSQL stand-in)' })
      .default('mssql')
      .describe('mssql = SQL Server (production); pg = PostgreSQL stand-in (development, CI)'),
    ERP_DATABASE_URL: secret(z.string().optional()).describe('required when ERP_DIALECT=pg, e.g. postgres://postgres@127.0.0.1:5432/mikrosync_erp'),
    MSSQL_SERVER: z
      .string()
      .optional()
      .describe('required when ERP_DIALECT=mssql: HOST, or HOST\\INSTANCE for a named instance (SUNUCU\\SQLEXPRESS; port via SQL Server Browser)'),
    MSSQL_PORT: int(1433, 1, 65535),
    MSSQL_DATABASE: z.string().optional().describe('e.g. MikroDB_V15_02'),
    MSSQL_USER: z.string().optional(),
    MSSQL_PASSWORD: secret(z.string().optional()),
    MSSQL_ENCRYPT: bool(false),
    MSSQL_TRUST_SERVER_CERTIFICATE: bool(true),
    ERP_POOL_MAX: int(10, 1, 200),
    ERP_REQUEST_TIMEOUT_MS: int(30000, 1000),
    ERP_LOCK_TIMEOUT_MS: int(15000, 100).describe('wait for a document-number lock at most this long'),
    ERP_USER_NO: int(1, 0, 32767).describe('Mikro user number written into *_create_user / *_lastup_user'),
    ERP_TIMEZONE: timeZone('Europe/Istanbul').describe('Mikro stores naive local times in this zone'),
    ERP_COMPANY_LABEL: z.string().max(50).default('FIRMA').describe("debtor written on the company's own cheques, notes and transfers"),
  },
  (e) => ({
    dialect: e.ERP_DIALECT,
    url: e.ERP_DATABASE_URL,
    mssql: {
      server: e.MSSQL_SERVER ?? '',
      port: e.MSSQL_PORT,
      database: e.MSSQL_DATABASE ?? '',
      user: e.MSSQL_USER,
      password: e.MSSQL_PASSWORD,
      encrypt: e.MSSQL_ENCRYPT,
      trustServerCertificate: e.MSSQL_TRUST_SERVER_CERTIFICATE,
    },
    poolMax: e.ERP_POOL_MAX,
    requestTimeoutMs: e.ERP_REQUEST_TIMEOUT_MS,
    lockTimeoutMs: e.ERP_LOCK_TIMEOUT_MS,
    userNo: e.ERP_USER_NO,
    timeZone: e.ERP_TIMEZONE,
    companyLabel: e.ERP_COMPANY_LABEL,
  }),
  // The connection settings the chosen dialect needs.
  (e, report) => {
    if (e.ERP_DIALECT === 'pg') {
      if (!e.ERP_DATABASE_URL) report('ERP_DATABASE_URL', 'required when ERP_DIALECT=pg: a URL such as postgres://postgres@127.0.0.1:5432/mikro');
      else if (!/^postgres(ql)?:\/\//.test(e.ERP_DATABASE_URL)) report('ERP_DATABASE_URL', 'expected a URL such as postgres://postgres@127.0.0.1:5432/mikro');
    } else if (e.ERP_DIALECT === 'mssql') {
      if (!e.MSSQL_SERVER) report('MSSQL_SERVER', 'required when ERP_DIALECT=mssql: the SQL Server host name, e.g. localhost');
      if (!e.MSSQL_DATABASE) report('MSSQL_DATABASE', 'required when ERP_DIALECT=mssql: the Mikro database, e.g. MikroDB_V15_02');
      if (!e.MSSQL_USER || !e.MSSQL_PASSWORD) report('MSSQL_USER / MSSQL_PASSWORD', 'required when ERP_DIALECT=mssql (SQL authentication)');
    }
  },
);
