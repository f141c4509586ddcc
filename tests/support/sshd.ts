/**
 * A real OpenSSH server for the feed tests: its own sshd on a random loopback port, run as the
 * current user (root in CI) from a temporary directory with a generated host key and a generated
 * client key. The system's sshd configuration is not read or changed. `scripts/ensure-services.sh`
 * installs OpenSSH when it is missing.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './ports.js';

const run = promisify(execFile);
const SSHD = ['/usr/sbin/sshd', '/usr/local/sbin/sshd'].find((p) => existsSync(p));

export interface TestSshd {
  host: string;
  port: number;
  user: string;
  /** Scratch directory of this server (keys, config, log). */
  dir: string;
  /** A directory to serve the feed from (the "remote" SSH_REMOTE_PATH). */
  remoteDir: string;
  clientKeyPath: string;
  hostFingerprint: string;
  /** stderr of sshd, for diagnostics. */
  log(): string;
  stop(): Promise<void>;
}

export interface SshdOptions {
  /** internal-sftp -R: every write is refused with "Permission denied". */
  sftpReadOnly?: boolean;
}

export async function generateKey(file: string): Promise<{ path: string; fingerprint: string }> {
  await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'mikrosync-test', '-f', file]);
  const { stdout } = await run('ssh-keygen', ['-l', '-f', `${file}.pub`]);
  const fingerprint = /SHA256:[A-Za-z0-9+/]+/.exec(stdout)?.[0];
  if (!fingerprint) throw new Error(`no fingerprint in: ${stdout}`);
  return { path: file, fingerprint };
}


export async function startSshd(opts: SshdOptions = {}): Promise<TestSshd> {
  if (!SSHD) throw new Error('sshd not found: run scripts/ensure-services.sh (installs openssh-server)');
  // sshd running as root needs its privilege separation directory (the package's service creates it).
  if (process.getuid?.() === 0) await mkdir('/run/sshd', { recursive: true, mode: 0o755 });
  const dir = await mkdtemp(path.join(os.tmpdir(), 'mikrosync-sshd-'));
  const remoteDir = path.join(dir, 'www');
  await mkdir(remoteDir);
  const hostKey = await generateKey(path.join(dir, 'host_ed25519'));
  const clientKey = await generateKey(path.join(dir, 'client_ed25519'));
  await writeFile(path.join(dir, 'authorized_keys'), await readFile(`${clientKey.path}.pub`), { mode: 0o600 });
  const user = os.userInfo().username;

  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const config = path.join(dir, 'sshd_config');
    await writeFile(
      config,
      [
        `Port ${port}`,
        'ListenAddress 127.0.0.1',
        `HostKey ${hostKey.path}`,
        `PidFile ${path.join(dir, 'sshd.pid')}`,
        `AuthorizedKeysFile ${path.join(dir, 'authorized_keys')}`,
        'PubkeyAuthentication yes',
        'PasswordAuthentication no',
        'KbdInteractiveAuthentication no',
        'UsePAM no',
        'StrictModes no',
        'PermitRootLogin prohibit-password',
        `AllowUsers ${user}`,
        'X11Forwarding no',
        'AllowTcpForwarding no',
        'MaxStartups 50:30:100',
        `Subsystem sftp internal-sftp${opts.sftpReadOnly ? ' -R' : ''}`,
        'LogLevel VERBOSE',
        '',
      ].join('\n'),
    );
    const child: ChildProcess = spawn(SSHD, ['-D', '-e', '-f', config], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    const ready = await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), 10_000);
      const check = () => {
        if (/Server listening on 127\.0\.0\.1 port/.test(stderr)) {
          clearTimeout(timer);
          resolve(true);
        }
      };
      child.stderr?.on('data', check);
      child.once('exit', () => {
        clearTimeout(timer);
        resolve(false);
      });
    });
    if (!ready) {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
      if (attempt < 3 && /Address already in use/.test(stderr)) continue;
      await rm(dir, { recursive: true, force: true });
      throw new Error(`sshd did not start: ${stderr}`);
    }
    return {
      host: '127.0.0.1',
      port,
      user,
      dir,
      remoteDir,
      clientKeyPath: clientKey.path,
      hostFingerprint: hostKey.fingerprint,
      log: () => stderr,
      async stop() {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
        await exited;
        await rm(dir, { recursive: true, force: true });
      },
    };
  }
}
