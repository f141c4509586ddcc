/**
 * The SSH private key of the feed upload, checked before any network traffic: it must exist, be
 * a file, be readable, look like a private key, and not be accessible by group or others (OpenSSH
 * refuses such a key with "UNPROTECTED PRIVATE KEY FILE"; so do we).
 */
import { readFile, stat } from 'node:fs/promises';
import { PermanentError, says } from '@mikrosync/core';

const SETTING = 'SSH_PRIVATE_KEY_PATH';

export async function readPrivateKey(keyPath: string): Promise<Buffer> {
  const unusable = (why: string, fix: string, cause?: unknown) =>
    new PermanentError(`SSH private key ${keyPath} (${SETTING}) ${why}; the feed was not uploaded and the live feed is unchanged.`, {
      fix,
      cause,
      says: says('err.feedServer', { detail: `${SETTING} ${keyPath} ${why}` }),
    });
  let mode: number;
  try {
    const st = await stat(keyPath);
    if (!st.isFile()) throw unusable('is not a file', `set ${SETTING} to the private key file (e.g. /run/secrets/feed_ed25519).`);
    mode = st.mode & 0o777;
  } catch (err) {
    if (err instanceof PermanentError) throw err;
    const code = (err as { code?: string }).code;
    if (code === 'ENOENT') throw unusable('does not exist', `set ${SETTING} to an existing private key file.`, err);
    throw unusable(`cannot be read (${code ?? (err as Error).message})`, `make the key readable by the user running mikrosync (uid ${process.getuid?.() ?? '?'}).`, err);
  }
  if (process.platform !== 'win32' && (mode & 0o077) !== 0) {
    throw unusable(
      `has permissions ${mode.toString(8).padStart(4, '0')}, so group or others can access it; OpenSSH refuses such a key and so does mikrosync`,
      `chmod 600 ${keyPath}`,
    );
  }
  let key: Buffer;
  try {
    key = await readFile(keyPath);
  } catch (err) {
    const code = (err as { code?: string }).code;
    throw unusable(`cannot be read (${code ?? (err as Error).message})`, `make the key readable by the user running mikrosync (uid ${process.getuid?.() ?? '?'}).`, err);
  }
  if (!/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(key.toString('latin1'))) {
    throw unusable('is not a private key (no "-----BEGIN ... PRIVATE KEY-----" line)', `point ${SETTING} at the private key, not the .pub file.`);
  }
  return key;
}
