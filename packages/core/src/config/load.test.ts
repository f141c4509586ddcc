import { describe, it, expect } from 'vitest';
import { isLoopbackHost, loadConfig, type Config } from './index.js';
import { ConfigError } from '../errors.js';

const WEB_SECRET = 'W3bPassw0rd!secret';
const MINIMAL = {
  WEB_DATABASE_URL: `postgres://app:${WEB_SECRET}@db.example:5432/app`,
  ERP_DIALECT: 'pg',
  ERP_DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/mikro',
};
const MSSQL = {
  WEB_DATABASE_URL: MINIMAL.WEB_DATABASE_URL,
  ERP_DIALECT: 'mssql',
  MSSQL_SERVER: 'sql.example',
  MSSQL_DATABASE: 'MikroDB_V15_02',
  MSSQL_USER: 'sa',
  MSSQL_PASSWORD: 'Mssql$ecretZebra42',
};

/** The ConfigError that loading `env` throws (fails the test when it loads). */
function configError(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return e as ConfigError;
  }
  throw new Error('expected loadConfig to throw a ConfigError');
}

/** The variable names the error lists, one per `NAME: ...` line. */
function namedVariables(err: ConfigError): string[] {
  return err.message
    .split('\n')
    .slice(1)
    .map((line) => line.trim().split(':')[0]!);
}

describe('loadConfig with a minimal valid environment', () => {
  const config: Config = loadConfig({ ...MINIMAL });

  it('keeps the given values', () => {
    expect(config.web.url).toBe(MINIMAL.WEB_DATABASE_URL);
    expect(config.erp.dialect).toBe('pg');
    expect(config.erp.url).toBe(MINIMAL.ERP_DATABASE_URL);
  });

  it('applies the documented defaults', () => {
    expect(config.redis).toMatchObject({ url: 'redis://127.0.0.1:6379', prefix: 'mikrosync', sentinel: undefined, cluster: undefined });
    expect(config.worker.attempts).toBe(3);
    expect(config.worker.concurrency).toBe(8);
    expect(config.worker.backoffMs).toBe(2000);
    expect(config.erp.timeZone).toBe('Europe/Istanbul');
    expect(config.schedules).toMatchObject({ timeZone: 'Europe/Istanbul', housekeeping: '30 3 * * *', catalog: '*/15 * * * *', stockXmlHours: [] });
    expect(config.http).toEqual({
      host: '127.0.0.1',
      port: 3456,
      adminUser: undefined,
      adminPassword: undefined,
      operatorUser: undefined,
      operatorPassword: undefined,
      viewerUser: undefined,
      viewerPassword: undefined,
      summaryEmailTime: '',
      summaryEmailTo: [],
      allowedHosts: ['localhost', '127.0.0.1', '[::1]'],
      metricsToken: undefined,
    });
    expect(config.log).toEqual({ level: 'info', pretty: false });
    expect(config.web.poolMax).toBe(10);
    expect(config.web.ssl).toBe(false);
    expect(config.erp.mssql.port).toBe(1433);
    expect(config.erp.mssql.trustServerCertificate).toBe(true);
    expect(config.erp.lockTimeoutMs).toBe(15000);
    expect(config.erp.userNo).toBe(1);
    expect(config.outbox).toEqual({ debounceMs: 300, documentDebounceMs: 500, sweepIntervalMs: 5000, recheckAfterMs: 30000, retentionDays: 30 });
  });

  it('treats empty strings as unset, falling back to defaults', () => {
    const c = loadConfig({ ...MINIMAL, REDIS_URL: '', MAX_RETRY_COUNT: '', ERP_TIMEZONE: '', HTTP_PORT: '', WEB_DB_SSL: '' });
    expect(c.redis.url).toBe('redis://127.0.0.1:6379');
    expect(c.worker.attempts).toBe(3);
    expect(c.erp.timeZone).toBe('Europe/Istanbul');
    expect(c.http.port).toBe(3456);
    expect(c.web.ssl).toBe(false);
  });

  it('parses numbers and booleans that are given', () => {
    const c = loadConfig({ ...MINIMAL, WORKER_CONCURRENCY: '16', MAX_RETRY_COUNT: '5', WEB_DB_SSL: 'yes', LOG_PRETTY: '1', HTTP_PORT: '8080' });
    expect(c.worker.concurrency).toBe(16);
    expect(c.worker.attempts).toBe(5);
    expect(c.web.ssl).toBe(true);
    expect(c.log.pretty).toBe(true);
    expect(c.http.port).toBe(8080);
  });

  it('accepts a complete SQL Server setup', () => {
    const c = loadConfig({ ...MSSQL });
    expect(c.erp.dialect).toBe('mssql');
    expect(c.erp.mssql).toMatchObject({ server: 'sql.example', database: 'MikroDB_V15_02', user: 'sa', port: 1433 });
  });

  it('accepts a network-facing HTTP host with admin credentials', () => {
    const c = loadConfig({ ...MINIMAL, HTTP_HOST: '0.0.0.0', ADMIN_USER: 'admin', ADMIN_PASSWORD: 'long-enough-pw' });
    expect(c.http).toMatchObject({ host: '0.0.0.0', adminUser: 'admin' });
  });

  it('answers to the loopback names, plus HTTP_ALLOWED_HOSTS or else a specific HTTP_HOST', () => {
    const creds = { ADMIN_USER: 'admin', ADMIN_PASSWORD: 'long-enough-pw' };
    expect(loadConfig({ ...MINIMAL, ...creds, HTTP_HOST: '0.0.0.0' }).http.allowedHosts).toEqual(['localhost', '127.0.0.1', '[::1]']);
    expect(loadConfig({ ...MINIMAL, ...creds, HTTP_HOST: '192.168.1.10' }).http.allowedHosts).toEqual(['localhost', '127.0.0.1', '[::1]', '192.168.1.10']);
    const named = loadConfig({ ...MINIMAL, ...creds, HTTP_HOST: '0.0.0.0', HTTP_ALLOWED_HOSTS: 'Sync.Shop.example, 10.0.0.5,[fd00::5]' });
    expect(named.http.allowedHosts).toEqual(['localhost', '127.0.0.1', '[::1]', 'sync.shop.example', '10.0.0.5', '[fd00::5]']);
  });
});

describe('isLoopbackHost', () => {
  it.each(['localhost', '127.0.0.1', '127.1.2.3', '::1', '[::1]', '::ffff:127.0.0.1'])('%s is loopback', (h) => expect(isLoopbackHost(h)).toBe(true));
  it.each(['127.evil.example', '127.0.0.1.nip.io', '127.0.0.256', '127.1', '0.0.0.0', '10.0.0.1', 'localhost.evil.example'])('%s is not', (h) =>
    expect(isLoopbackHost(h)).toBe(false),
  );
});

describe('schedules', () => {
  it('are off when their variable is empty or off, and default only when unset', () => {
    const c = loadConfig({ ...MINIMAL, SCHEDULE_CATALOG: '', SCHEDULE_ENTEGRA: 'off', SCHEDULE_BITRIX: ' OFF ', SCHEDULE_HOUSEKEEPING: '' });
    expect(c.schedules).toMatchObject({ catalog: '', entegra: '', bitrix: '', housekeeping: '', stockXml: '0 * * * *' });
  });

  it('keep a valid 5- or 6-field cron, trimmed', () => {
    const c = loadConfig({ ...MINIMAL, SCHEDULE_CATALOG: ' 0 */2 * * 1-5 ', SCHEDULE_ENTEGRA: '30 */10 * * * *' });
    expect(c.schedules).toMatchObject({ catalog: '0 */2 * * 1-5', entegra: '30 */10 * * * *' });
  });

  it('name the variable and the parser\'s reason for a cron out of range', () => {
    const err = configError({ ...MINIMAL, SCHEDULE_CATALOG: '99 * * * *' });
    expect(err.message).toMatch(/SCHEDULE_CATALOG: expected a cron expression .*got value 99 expected range 0-59.*or empty \/ off to disable/);
  });
});

describe('loadConfig rejects', () => {
  const cases: [string, Record<string, string>, string][] = [
    ['a missing WEB_DATABASE_URL', { ERP_DIALECT: 'pg', ERP_DATABASE_URL: MINIMAL.ERP_DATABASE_URL }, 'WEB_DATABASE_URL'],
    ['an empty WEB_DATABASE_URL', { ...MINIMAL, WEB_DATABASE_URL: '' }, 'WEB_DATABASE_URL'],
    ['a non-PostgreSQL WEB_DATABASE_URL', { ...MINIMAL, WEB_DATABASE_URL: 'mysql://x' }, 'WEB_DATABASE_URL'],
    ['a WEB_DATABASE_URL that is no URL', { ...MINIMAL, WEB_DATABASE_URL: 'db.example:5432' }, 'WEB_DATABASE_URL'],
    ['a non-numeric WORKER_CONCURRENCY', { ...MINIMAL, WORKER_CONCURRENCY: 'eight' }, 'WORKER_CONCURRENCY'],
    ['a fractional WORKER_CONCURRENCY', { ...MINIMAL, WORKER_CONCURRENCY: '2.5' }, 'WORKER_CONCURRENCY'],
    ['an out-of-range WORKER_CONCURRENCY', { ...MINIMAL, WORKER_CONCURRENCY: '0' }, 'WORKER_CONCURRENCY'],
    ['an unknown ERP_DIALECT', { ...MINIMAL, ERP_DIALECT: 'oracle' }, 'ERP_DIALECT'],
    ['a bad ERP_TIMEZONE', { ...MINIMAL, ERP_TIMEZONE: 'Mars/Olympus_Mons' }, 'ERP_TIMEZONE'],
    ['a bad SCHEDULE_TIMEZONE', { ...MINIMAL, SCHEDULE_TIMEZONE: 'Istanbul' }, 'SCHEDULE_TIMEZONE'],
    ['a bad cron', { ...MINIMAL, SCHEDULE_HOUSEKEEPING: 'every night' }, 'SCHEDULE_HOUSEKEEPING'],
    // Five fields, but minute 99: the scheduler's parser refuses it (it used to crash start-up).
    ['a cron with a minute out of range', { ...MINIMAL, SCHEDULE_CATALOG: '99 * * * *' }, 'SCHEDULE_CATALOG'],
    ['a cron with an hour out of range', { ...MINIMAL, SCHEDULE_STOCK_XML: '0 25 * * *' }, 'SCHEDULE_STOCK_XML'],
    ['a cron repeating every 0 minutes', { ...MINIMAL, SCHEDULE_BITRIX: '*/0 * * * *' }, 'SCHEDULE_BITRIX'],
    ['a non-boolean flag', { ...MINIMAL, WEB_DB_SSL: 'maybe' }, 'WEB_DB_SSL'],
    ['a non-Redis REDIS_URL', { ...MINIMAL, REDIS_URL: 'http://127.0.0.1:6379' }, 'REDIS_URL'],
    ['ERP_DIALECT=pg without ERP_DATABASE_URL', { WEB_DATABASE_URL: MINIMAL.WEB_DATABASE_URL, ERP_DIALECT: 'pg' }, 'ERP_DATABASE_URL'],
    ['ERP_DIALECT=mssql without MSSQL_SERVER', { ...MSSQL, MSSQL_SERVER: '' }, 'MSSQL_SERVER'],
    ['ERP_DIALECT=mssql without MSSQL_DATABASE', { ...MSSQL, MSSQL_DATABASE: '' }, 'MSSQL_DATABASE'],
    ['ERP_DIALECT=mssql without MSSQL_PASSWORD', { ...MSSQL, MSSQL_PASSWORD: '' }, 'MSSQL_PASSWORD'],
    ['HTTP_HOST=0.0.0.0 without ADMIN_USER/ADMIN_PASSWORD', { ...MINIMAL, HTTP_HOST: '0.0.0.0' }, 'ADMIN_PASSWORD'],
    ['HTTP_HOST=0.0.0.0 with only ADMIN_USER', { ...MINIMAL, HTTP_HOST: '0.0.0.0', ADMIN_USER: 'admin' }, 'ADMIN_USER'],
    ['a short ADMIN_PASSWORD', { ...MINIMAL, ADMIN_USER: 'admin', ADMIN_PASSWORD: 'short' }, 'ADMIN_PASSWORD'],
    ['a name that only starts with 127. as HTTP_HOST without credentials', { ...MINIMAL, HTTP_HOST: '127.evil.example' }, 'ADMIN_PASSWORD'],
    ['an HTTP_ALLOWED_HOSTS entry with a scheme', { ...MINIMAL, HTTP_ALLOWED_HOSTS: 'https://sync.shop.example' }, 'HTTP_ALLOWED_HOSTS'],
    ['a short METRICS_TOKEN', { ...MINIMAL, METRICS_TOKEN: 'abc' }, 'METRICS_TOKEN'],
  ];

  it.each(cases)('%s with a ConfigError naming the variable', (_label, env, variable) => {
    const err = configError(env);
    expect(err.name).toBe('ConfigError');
    expect(err.message).toContain(variable);
    expect(err.message).toMatch(/^Invalid configuration:\n/);
  });

  it('calls a missing URL required', () => {
    const err = configError({ ERP_DIALECT: 'pg', ERP_DATABASE_URL: MINIMAL.ERP_DATABASE_URL });
    expect(err.message).toMatch(/WEB_DATABASE_URL: required/);
  });

  it('defaults ERP_DIALECT to mssql, so SQL Server settings are required', () => {
    const err = configError({ WEB_DATABASE_URL: MINIMAL.WEB_DATABASE_URL });
    expect(namedVariables(err)).toEqual(['MSSQL_SERVER', 'MSSQL_DATABASE', 'MSSQL_USER / MSSQL_PASSWORD']);
  });
});

describe('loadConfig lists every problem at once', () => {
  it('for several malformed values', () => {
    const err = configError({
      ...MINIMAL,
      WEB_DATABASE_URL: 'mysql://x',
      WORKER_CONCURRENCY: 'many',
      ERP_TIMEZONE: 'Nowhere/Town',
      SCHEDULE_HOUSEKEEPING: '* *',
    });
    expect(namedVariables(err).sort()).toEqual(['ERP_TIMEZONE', 'SCHEDULE_HOUSEKEEPING', 'WEB_DATABASE_URL', 'WORKER_CONCURRENCY']);
  });

  it('for several missing settings', () => {
    const err = configError({ WEB_DATABASE_URL: MINIMAL.WEB_DATABASE_URL, ERP_DIALECT: 'mssql', HTTP_HOST: '0.0.0.0' });
    const named = namedVariables(err);
    expect(named).toContain('MSSQL_SERVER');
    expect(named).toContain('MSSQL_DATABASE');
    expect(named).toContain('ADMIN_USER / ADMIN_PASSWORD');
  });

  // BUG (reported): the cross-field checks (dialect settings, admin credentials) only run when
  // every single value is well-formed, so an operator fixing WORKER_CONCURRENCY then meets a
  // second error about MSSQL_SERVER. Turn into `it` once loadConfig reports both together.
  it('for a malformed value together with a missing dialect setting', () => {
    const err = configError({ ...MSSQL, MSSQL_SERVER: '', WORKER_CONCURRENCY: 'many' });
    expect(namedVariables(err).sort()).toEqual(['MSSQL_SERVER', 'WORKER_CONCURRENCY']);
  });
});

describe('ConfigError messages never contain secret values', () => {
  const secrets = {
    url: 'UrlPw_Sup3rSecret',
    mssql: 'Mssql$ecretZebra42',
    admin: 'AdminPw_Sup3rSecret',
    erp: 'ErpPw_Sup3rSecret',
    redis: 'RedisPw_Sup3rSecret',
  };

  const expectNoSecret = (err: ConfigError) => {
    for (const s of Object.values(secrets)) expect(err.message).not.toContain(s);
  };

  it('for a malformed URL holding a password', () => {
    expectNoSecret(configError({ ...MINIMAL, WEB_DATABASE_URL: `mysql://root:${secrets.url}@db.example/app` }));
    expectNoSecret(configError({ ...MINIMAL, ERP_DATABASE_URL: `mysql://root:${secrets.erp}@db.example/mikro` }));
    expectNoSecret(configError({ ...MINIMAL, REDIS_URL: `http://:${secrets.redis}@cache.example:6379` }));
  });

  it('for an SQL Server setup missing its server, with the password set', () => {
    const err = configError({ ...MSSQL, MSSQL_SERVER: '', MSSQL_PASSWORD: secrets.mssql });
    expect(err.message).toContain('MSSQL_SERVER');
    expectNoSecret(err);
  });

  it('for other problems while valid secrets are set', () => {
    const err = configError({
      WEB_DATABASE_URL: `postgres://app:${secrets.url}@db.example/app`,
      ERP_DIALECT: 'mssql',
      MSSQL_DATABASE: 'MikroDB',
      MSSQL_USER: 'sa',
      MSSQL_PASSWORD: secrets.mssql,
      REDIS_URL: `redis://:${secrets.redis}@cache.example:6379`,
      HTTP_HOST: '0.0.0.0',
      ADMIN_USER: 'admin',
      WORKER_CONCURRENCY: 'many',
    });
    expectNoSecret(err);
    expect(err.message).not.toContain(WEB_SECRET);
  });

  it('for a too-short admin password', () => {
    const err = configError({ ...MINIMAL, ADMIN_USER: 'admin', ADMIN_PASSWORD: 'Zq9#kL' });
    expect(err.message).toContain('ADMIN_PASSWORD');
    expect(err.message).not.toContain('Zq9#kL');
  });
});
