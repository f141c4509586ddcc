import { describe, expect, it } from 'vitest';
import { fieldDefault, fieldMeta } from './fields.js';
import { SECRET_VARIABLES, SECTIONS } from './index.js';

const names = Object.values(SECTIONS).flatMap((s) => Object.keys(s.fields));

describe('configuration sections', () => {
  it('declare each variable once', () => {
    expect(names.filter((n, i) => names.indexOf(n) !== i)).toEqual([]);
  });

  it('mark every credential secret', () => {
    expect([...SECRET_VARIABLES].sort()).toEqual(
      [
        'ADMIN_PASSWORD',
        'ALERT_SMTP_URL',
        'ALERT_WEBHOOK_URL',
        'BITRIX_DATABASE_URL',
        'BITRIX_WEBHOOK_URL',
        'ERP_DATABASE_URL',
        'METRICS_TOKEN',
        'MSSQL_PASSWORD',
        'OPERATOR_PASSWORD',
        'REDIS_PASSWORD',
        'REDIS_SENTINEL_PASSWORD',
        'REDIS_URL',
        'VIEWER_PASSWORD',
        'WEB_DATABASE_URL',
      ].sort(),
    );
  });

  it('keep a marker through describe() and optional()', () => {
    const { fields } = SECTIONS.http;
    expect(fieldMeta(fields.ADMIN_PASSWORD)).toMatchObject({ secret: true, description: 'at least 8 characters' });
    expect(fieldMeta(fields.ADMIN_USER).secret).toBeUndefined();
    expect(fieldMeta(SECTIONS.schedules.fields.SCHEDULE_CATALOG)).toMatchObject({ emptyIsValue: true });
  });

  it('know the default an operator writes, before any transform', () => {
    expect(fieldDefault(SECTIONS.worker.fields.TRANSIENT_RETRY_FOR)).toBe('24h');
    expect(fieldDefault(SECTIONS.worker.fields.NOT_READY_MAX_WAIT_MS)).toBe('3600000');
    expect(fieldDefault(SECTIONS.stock.fields.STOCK_UNITS)).toMatch(/^Adet,Kg,/);
    expect(fieldDefault(SECTIONS.erp.fields.MSSQL_SERVER)).toBeUndefined();
  });
});
