/**
 * What a SQLite error means for the job. The Entegra desktop program holds db.s3db open and
 * writes to it all day: a locked file is passing (wait and retry, then let the job retry), a missing,
 * unreadable or corrupt file is not (fail at once with a reason that names the file and the fix).
 *
 * better-sqlite3 is synchronous: its busy timeout blocks the worker's event loop. The timeout is
 * therefore kept short and the waiting is done here, asynchronously, between attempts.
 */
import { PermanentError, says } from '@mikrosync/core';

/** The file is locked by another process (SQLITE_BUSY / SQLITE_LOCKED): transient. */
export class EntegraLockedError extends Error {
  override name = 'EntegraLockedError';
}

export interface EntegraFileOptions {
  path: string;
  /** SQLite's own wait for a lock per statement (blocks the event loop: keep it short). */
  busyTimeoutMs: number;
  /** How long a read or write keeps retrying a locked file before the job fails (and retries later). */
  lockWaitMs: number;
  /** First pause between attempts on a locked file; doubles up to 2 s. */
  lockRetryMs: number;
}

const PATH_FIX = 'set ENTEGRA_DB_PATH to the db.s3db of the Entegra installation (the original used C:\\Ana Entegra\\db.s3db)';

function codeOf(err: unknown): string {
  return typeof (err as { code?: unknown })?.code === 'string' ? (err as { code: string }).code : '';
}

export function isLocked(err: unknown): boolean {
  const code = codeOf(err);
  return code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED');
}

/** Turns a SQLite error into a PermanentError (bad file), an EntegraLockedError, or leaves it. */
export function classifySqliteError(err: unknown, path: string): unknown {
  if (err instanceof PermanentError || err instanceof EntegraLockedError) return err;
  const code = codeOf(err);
  const msg = err instanceof Error ? err.message : String(err);
  if (isLocked(err)) return new EntegraLockedError(`the Entegra database ${path} is locked by another process (${code}: ${msg})`, { cause: err });
  if (code === 'SQLITE_NOTADB' || code.startsWith('SQLITE_CORRUPT')) {
    return new PermanentError(`${path} is not a readable SQLite database (${code}: ${msg}).`, {
      cause: err,
      says: says('err.entegraFile', { path, detail: `${code}: ${msg}` }),
      fix: `${PATH_FIX}; if it is the right file, it is damaged: restore Entegra's backup (check with: sqlite3 db.s3db "PRAGMA integrity_check")`,
    });
  }
  if (code.startsWith('SQLITE_CANTOPEN') || code === 'SQLITE_PERM' || code.startsWith('SQLITE_READONLY')) {
    return new PermanentError(`cannot open the Entegra database ${path} (${code}: ${msg}).`, {
      cause: err,
      says: says('err.entegraFile', { path, detail: `${code}: ${msg}` }),
      fix: `${PATH_FIX}, and give the mikrosync service read and write access to the file and its folder`,
    });
  }
  if (/no such (table|column)/.test(msg)) {
    return new PermanentError(`the Entegra database ${path} does not have the expected layout (${msg}).`, {
      cause: err,
      says: says('err.entegraFile', { path, detail: msg }),
      fix: `check that ENTEGRA_DB_PATH points at the live Entegra database (${path} may be a copy of another program's file)`,
    });
  }
  return err;
}

export function missingFileError(path: string): PermanentError {
  return new PermanentError(`the Entegra database ${path} does not exist.`, { fix: PATH_FIX, says: says('err.entegraFile', { path, detail: 'ENOENT' }) });
}

const sleep = (ms: number, signal?: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => (clearTimeout(t), resolve()), { once: true });
  });

/**
 * Runs `fn` (one short SQLite statement or transaction); while the file is locked, waits and tries
 * again for up to lockWaitMs, then throws EntegraLockedError (transient: the job retries later).
 */
export async function withLockRetry<T>(
  opts: Pick<EntegraFileOptions, 'path' | 'lockWaitMs' | 'lockRetryMs'>,
  fn: () => T,
  hooks: { signal?: AbortSignal; onLocked?: (waitedMs: number) => void } = {},
): Promise<T> {
  const started = Date.now();
  let pause = opts.lockRetryMs;
  for (;;) {
    try {
      return fn();
    } catch (raw) {
      const err = classifySqliteError(raw, opts.path);
      if (!(err instanceof EntegraLockedError)) throw err;
      const waited = Date.now() - started;
      if (waited >= opts.lockWaitMs || hooks.signal?.aborted) {
        // Whether the queue retries depends on the attempts left, which this layer does not know.
        throw new EntegraLockedError(
          `${err.message}; still locked after ${Math.round(waited / 1000)} s. Fix: let Entegra finish its write; the queue retries while attempts remain, ` +
            `then re-enqueue the job from the dead-letter queue; raise ENTEGRA_LOCK_WAIT_MS if Entegra often holds the file longer`,
          { cause: raw },
        );
      }
      hooks.onLocked?.(waited);
      await sleep(Math.min(pause, Math.max(opts.lockWaitMs - waited, 1)), hooks.signal);
      pause = Math.min(pause * 2, 2000);
    }
  }
}
