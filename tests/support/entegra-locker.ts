/**
 * Another process holding a write transaction on the Entegra file, like the desktop program in the
 * middle of a long write: BEGIN EXCLUSIVE (no reader, no writer gets in, in rollback-journal mode),
 * one insert, hold, commit.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface Locker {
  child: ChildProcess;
  /** Resolves when the lock is held. */
  locked: Promise<void>;
  /** Resolves when the transaction has committed and the process exited. */
  released: Promise<void>;
}

export function holdWriteLock(dbPath: string, holdMs: number): Locker {
  const code = `
    const Database = require('better-sqlite3');
    const db = new Database(process.argv[1], { timeout: 5000 });
    db.exec('BEGIN EXCLUSIVE');
    db.prepare("INSERT INTO message_template (id, name, detail, suppplier) VALUES (9999, 'locker', 'held', 'test')").run();
    console.log('locked');
    setTimeout(() => { db.exec('COMMIT'); db.close(); console.log('released'); }, Number(process.argv[2]));
  `;
  const child = spawn(process.execPath, ['-e', code, dbPath, String(holdMs)], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  let onLocked: () => void = () => undefined;
  let onExit: (err: Error) => void = () => undefined;
  const locked = new Promise<void>((resolve, reject) => ((onLocked = resolve), (onExit = reject)));
  child.stdout?.on('data', (d: Buffer) => {
    out += d.toString();
    if (out.includes('locked')) onLocked();
  });
  const released = new Promise<void>((resolve, reject) =>
    child.on('exit', (c) => {
      const err = new Error(`locker exited with ${c}: ${out}`);
      onExit(err); // no effect once locked
      if (c === 0 && out.includes('released')) resolve();
      else reject(err);
    }),
  );
  released.catch(() => undefined);
  return { child, locked, released };
}
