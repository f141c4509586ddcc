import type { Config } from '@mikrosync/core';
import type { ErpClient } from './client.js';
import { createMssqlErpClient } from './mssql-client.js';
import { createPgErpClient } from './pg-client.js';

export function createErpClient(erp: Config['erp']): ErpClient {
  if (erp.dialect === 'pg') {
    return createPgErpClient({ url: erp.url ?? '', poolMax: erp.poolMax, requestTimeoutMs: erp.requestTimeoutMs, lockTimeoutMs: erp.lockTimeoutMs });
  }
  return createMssqlErpClient({ ...erp.mssql, poolMax: erp.poolMax, requestTimeoutMs: erp.requestTimeoutMs, lockTimeoutMs: erp.lockTimeoutMs });
}
