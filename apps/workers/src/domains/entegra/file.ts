/** The Entegra file settings of a run, or the reason it cannot run. */
import { PermanentError, says, type Config } from '@mikrosync/core';
import type { EntegraFileOptions } from '@mikrosync/connectors/entegra';

export function entegraFile(config: Config): EntegraFileOptions {
  const { dbPath, busyTimeoutMs, lockWaitMs, lockRetryMs } = config.entegra;
  if (!dbPath) {
    throw new PermanentError('ENTEGRA_DB_PATH is not set: mikrosync does not know where the Entegra database is.', {
      says: says('err.settingMissing', { variable: 'ENTEGRA_DB_PATH' }),
      fix: 'set ENTEGRA_DB_PATH to the db.s3db of the Entegra installation (the original used C:\\Ana Entegra\\db.s3db) and restart the workers',
    });
  }
  return { path: dbPath, busyTimeoutMs, lockWaitMs, lockRetryMs };
}
