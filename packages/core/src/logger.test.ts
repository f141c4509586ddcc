import { describe, it, expect } from 'vitest';
import { createLogger, scrubSecrets, type Logger } from './logger.js';

/** A logger writing into memory, and the lines it wrote so far. */
function capture(level = 'info'): { log: Logger; lines: () => Record<string, unknown>[]; text: () => string } {
  const written: string[] = [];
  const log = createLogger({ level }, { write: (line: string) => void written.push(line) });
  return {
    log,
    text: () => written.join(''),
    lines: () => written.map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}

const PG_URL = 'postgres://user:s3cretPW@host/db';

describe('createLogger output', () => {
  it('is one JSON object per line with level, msg and time', () => {
    const { log, text, lines } = capture();
    log.info('hello');
    log.warn({ jobId: 'j1' }, 'careful');
    expect(text().trim().split('\n')).toHaveLength(2);
    const [info, warn] = lines();
    expect(info).toMatchObject({ level: 30, msg: 'hello', name: 'mikrosync' });
    expect(warn).toMatchObject({ level: 40, msg: 'careful', jobId: 'j1' });
    expect(typeof info!.time).toBe('string');
    expect(Number.isNaN(Date.parse(String(info!.time)))).toBe(false);
  });

  it('respects the level', () => {
    const { log, lines } = capture('warn');
    log.info('dropped');
    log.error('kept');
    expect(lines().map((l) => l.msg)).toEqual(['kept']);
  });
});

describe('createLogger keeps secrets out of the output', () => {
  it('redacts a password field', () => {
    const { log, text, lines } = capture();
    log.info({ password: 'TopPw_1', user: 'alice' }, 'login');
    expect(text()).not.toContain('TopPw_1');
    expect(lines()[0]).toMatchObject({ user: 'alice', msg: 'login' });
  });

  it('redacts a nested db.password and keeps the host', () => {
    const { log, text, lines } = capture();
    log.info({ db: { host: 'db.internal', user: 'app', password: 'NestedPw_2' } }, 'connecting');
    expect(text()).not.toContain('NestedPw_2');
    expect(lines()[0]).toMatchObject({ db: { host: 'db.internal', user: 'app' } });
  });

  it('redacts a connectionString field', () => {
    const { log, text } = capture();
    log.info({ connectionString: 'Server=sql1;User Id=sa;Password=ConnPw_3', pool: 4 }, 'pool ready');
    expect(text()).not.toContain('ConnPw_3');
    expect(text()).toContain('"pool":4');
  });

  it('masks a URL password inside an error message and stack', () => {
    const { log, text, lines } = capture();
    log.error({ err: new Error(`connect failed ${PG_URL}`) }, 'ERP unreachable');
    expect(text()).not.toContain('s3cretPW');
    const line = lines()[0] as { msg: string; err: { message: string; stack: string } };
    expect(line.msg).toBe('ERP unreachable');
    expect(line.err.message).toBe('connect failed postgres://user:***@host/db');
    expect(line.err.stack).toContain('postgres://user:***@host/db');
  });

  it('masks an error logged with its own message as the log message', () => {
    const { log, text } = capture();
    log.error(new Error(`connect failed ${PG_URL}`), 'ERP unreachable');
    expect(text()).not.toContain('s3cretPW');
    expect(text()).toContain('user:***@host/db');
  });

  // BUG (reported): without a message argument pino copies err.message into `msg` after the
  // hooks and formatters ran, so the password reaches the line. Turn into `it` once fixed.
  it('masks an error logged without a message', () => {
    const { log, text } = capture();
    log.error(new Error(`connect failed ${PG_URL}`));
    log.error({ err: new Error(`connect failed ${PG_URL}`) });
    expect(text()).not.toContain('s3cretPW');
  });

  it('masks a URL with credentials in the message, keeping the rest', () => {
    const { log, lines } = capture();
    log.info(`connecting to postgres://bob:Pa55word_4@db.example:5432/app now`);
    expect(lines()[0]!.msg).toBe('connecting to postgres://bob:***@db.example:5432/app now');
  });

  it('masks a URL with credentials in a formatted argument', () => {
    const { log, text } = capture();
    log.info('target %s', 'redis://default:RedisPw_5@cache.example:6379');
    expect(text()).not.toContain('RedisPw_5');
    expect(text()).toContain('cache.example');
  });

  it('masks password=... pairs in the message and in other string fields', () => {
    const { log, text, lines } = capture();
    log.info({ detail: 'Server=sql1;User Id=sa;Password=xyzPair_6;Database=Mikro' }, 'Server=sql1;password=xyzPair_7;');
    expect(text()).not.toContain('xyzPair_6');
    expect(text()).not.toContain('xyzPair_7');
    const line = lines()[0]!;
    expect(line.detail).toBe('Server=sql1;User Id=sa;Password=***;Database=Mikro');
    expect(line.msg).toBe('Server=sql1;password=***;');
  });

  it('masks URL credentials in fields that are not known secret keys', () => {
    const { log, text } = capture();
    log.warn({ cfg: { erp: { url: 'postgresql://mikro:FieldPw_8@erp.example/mikro' } }, urls: [PG_URL] }, 'config');
    expect(text()).not.toContain('FieldPw_8');
    expect(text()).not.toContain('s3cretPW');
    expect(text()).toContain('erp.example');
  });

  it('redacts secret environment variable names', () => {
    const { log, text } = capture();
    log.info({ MSSQL_PASSWORD: 'EnvPw_9', WEB_DATABASE_URL: 'postgres://u@h/db?password=EnvPw_10' }, 'env');
    expect(text()).not.toContain('EnvPw_9');
    expect(text()).not.toContain('EnvPw_10');
  });
});

describe('scrubSecrets', () => {
  it('masks the password of a URL and keeps scheme, user, host, port and path', () => {
    expect(scrubSecrets(`error: ${PG_URL} refused`)).toBe('error: postgres://user:***@host/db refused');
    expect(scrubSecrets('mssql://sa:p%40ss@sql1:1433/Mikro')).toBe('mssql://sa:***@sql1:1433/Mikro');
  });

  it('masks every URL in a text', () => {
    const out = scrubSecrets('a postgres://u1:pw1@h1/d and redis://u2:pw2@h2:6379');
    expect(out).toBe('a postgres://u1:***@h1/d and redis://u2:***@h2:6379');
  });

  it('masks password and pwd pairs of connection strings', () => {
    expect(scrubSecrets('Server=h;Uid=sa;Pwd=abc123;Database=d')).toBe('Server=h;Uid=sa;Pwd=***;Database=d');
    expect(scrubSecrets('password = xyz, next')).toBe('password = ***, next');
    expect(scrubSecrets('PASSWORD:xyz')).toBe('PASSWORD:***');
  });

  it('leaves text without credentials alone', () => {
    const text = 'posted CARI_HESAP_HAREKETLERI recno 42 at postgres://host/db for user alice';
    expect(scrubSecrets(text)).toBe(text);
  });
});
