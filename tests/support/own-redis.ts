/** A Redis server of one test on a port of its own (restarting the shared one would disturb others). */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort } from './ports.js';
import { waitFor } from './test-env.js';

export interface OwnRedis {
  url: string;
  /** Graceful restart (SIGTERM: the append-only file is flushed), resolved once it answers again. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

function answers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1', () => {
      s.end();
      resolve(true);
    });
    s.on('error', () => resolve(false));
  });
}

export async function startOwnRedis(o: { appendOnly: boolean }): Promise<OwnRedis> {
  const port = await freePort();
  const dir = mkdtempSync(path.join(tmpdir(), 'mikrosync-redis-'));
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', o.appendOnly ? 'yes' : 'no', '--dir', dir, '--maxmemory-policy', 'noeviction'];
  let proc: ChildProcess;
  const launch = async () => {
    proc = spawn('redis-server', args, { stdio: 'ignore' });
    await waitFor('own redis up', () => answers(port), 10_000, 50);
  };
  const halt = async (signal: NodeJS.Signals) => {
    if (proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = new Promise((r) => proc.once('exit', r));
    proc.kill(signal);
    await exited;
  };
  await launch();
  return {
    url: `redis://127.0.0.1:${port}`,
    async restart() {
      await halt('SIGTERM');
      await launch();
    },
    async stop() {
      await halt('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
