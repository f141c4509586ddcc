import { describe, expect, it } from 'vitest';
import { bitrixBatchCommand, bitrixBatchRef, encodeBitrixQuery } from './php-query.js';
import { classifyBitrixError } from './errors.js';
import { parseWebhookUrl } from './webhook.js';

describe('PHP bracket syntax', () => {
  it('encodes nested filters, lists and operators; a + in an offset becomes %2B', () => {
    const q = encodeBitrixQuery({ select: ['*', 'PHONE'], order: { ID: 'ASC' }, filter: { '>=DATE_MODIFY': '2025-11-05T08:55:00+03:00', '@STATUS_ID': ['NEW', 'IN_PROCESS'] }, start: -1 });
    expect(q).toBe(
      'select%5B%5D=*&select%5B%5D=PHONE&order%5BID%5D=ASC&filter%5B%3E%3DDATE_MODIFY%5D=2025-11-05T08%3A55%3A00%2B03%3A00&filter%5B%40STATUS_ID%5D%5B%5D=NEW&filter%5B%40STATUS_ID%5D%5B%5D=IN_PROCESS&start=-1',
    );
  });

  it('leaves batch references as written', () => {
    expect(bitrixBatchCommand('crm.lead.list', { filter: { '>ID': bitrixBatchRef('p0', 49, 'ID') }, start: -1 })).toBe('crm.lead.list?filter%5B%3EID%5D=$result[p0][49][ID]&start=-1');
    expect(bitrixBatchRef('p1', 'tasks', 49, 'id').expr).toBe('$result[p1][tasks][49][id]');
  });
});

describe('Bitrix24 errors', () => {
  it('are classified by code, then status', () => {
    expect(classifyBitrixError(503, 'QUERY_LIMIT_EXCEEDED')).toBe('rate-limit');
    expect(classifyBitrixError(429, 'QUERY_LIMIT_EXCEEDED')).toBe('rate-limit');
    expect(classifyBitrixError(429, 'OPERATION_TIME_LIMIT')).toBe('operating-limit');
    expect(classifyBitrixError(401, 'NO_AUTH_FOUND')).toBe('portal');
    expect(classifyBitrixError(503, 'OVERLOAD_LIMIT')).toBe('portal');
    expect(classifyBitrixError(500, 'INTERNAL_SERVER_ERROR')).toBe('transient');
    expect(classifyBitrixError(502, '')).toBe('transient');
    expect(classifyBitrixError(403, '')).toBe('method');
    expect(classifyBitrixError(403, 'insufficient_scope')).toBe('method');
    expect(classifyBitrixError(400, '0')).toBe('method');
    expect(classifyBitrixError(400, 'ERROR_CORE')).toBe('method');
  });
});

describe('the webhook URL', () => {
  it('splits into a method prefix and a description without the code', () => {
    const w = parseWebhookUrl('https://example.bitrix24.com/rest/1/abcd1234efgh5678/')!;
    expect(w.methodUrl('crm.lead.list')).toBe('https://example.bitrix24.com/rest/1/abcd1234efgh5678/crm.lead.list.json');
    expect(w.describe()).toBe('example.bitrix24.com (webhook user 1)');
    expect(parseWebhookUrl('https://example.bitrix24.com/rest/abcd/')).toBeUndefined();
  });
});
