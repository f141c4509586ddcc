/**
 * Publishing the feed on the feed server over SSH (ssh2-sftp-client, key authentication):
 *  1. upload to a temporary name in the target directory (same file system as the live file);
 *  2. verify the size (SFTP stat) and, where the server lets us run `sha256sum`, the checksum;
 *  3. run the distribution commands (e.g. `docker cp` into containers) on the verified new file;
 *  4. rename it over the live file with posix-rename@openssh.com (rename(2): atomic replace).
 * A reader of the live path always gets a complete feed: the old one until step 4, then the new
 * one. Any failure before step 4 removes the temporary file and leaves the live feed as it was.
 */
import { createHash, randomBytes } from 'node:crypto';
import path from 'node:path';
import type SftpClient from 'ssh2-sftp-client';
import type { Client as SshClient } from 'ssh2';
import { PermanentError, says, type Logger } from '@mikrosync/core';
import { readPrivateKey } from './ssh-key.js';
import type { FeedFile } from './feed-file.js';

export interface SshTarget {
  host: string;
  port: number;
  user: string;
  privateKeyPath: string;
  /** Accepted host key fingerprints (`SHA256:...` as `ssh-keygen -lf` prints); empty: any, with a warning. */
  hostFingerprints: string[];
  connectTimeoutMs: number;
}

export interface PublishOptions {
  local: FeedFile;
  remoteDir: string;
  name: string;
  commands: string[];
  commandTimeoutMs: number;
  log: Logger;
  progress?: (step: 'upload' | 'distribute', done: number, total: number) => void;
}

export interface CommandResult {
  command: string;
  exitCode: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  durationMs: number;
}

export interface PublishResult {
  remotePath: string;
  checksumVerified: boolean;
  commands: CommandResult[];
}

const OUTPUT_LIMIT = 8192;
const CHECKSUM_TIMEOUT_MS = 30_000;

/** POSIX shell quoting: the value becomes one word whatever it contains. */
export function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** The OpenSSH fingerprint of a host key blob: `SHA256:` + unpadded base64 of its SHA-256. */
export function sshFingerprint(key: Buffer): string {
  return `SHA256:${createHash('sha256').update(key).digest('base64').replace(/=+$/, '')}`;
}

const keepTail = (s: string) => (s.length > OUTPUT_LIMIT ? `…${s.slice(-OUTPUT_LIMIT)}` : s);

/** Runs one command over the SSH connection; stdin is closed at once, output is kept (tail). */
export function execRemote(client: SshClient, command: string, timeoutMs: number): Promise<CommandResult> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    client.exec(command, (err, stream) => {
      if (err) return reject(err);
      let stdout = '';
      let stderr = '';
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        stream.signal('KILL');
        stream.close();
      }, timeoutMs);
      stream.on('data', (d: Buffer) => (stdout = keepTail(stdout + d.toString('utf8'))));
      stream.stderr.on('data', (d: Buffer) => (stderr = keepTail(stderr + d.toString('utf8'))));
      stream.on('close', (code: number | null, signal: string | null) => {
        clearTimeout(timer);
        resolve({ command, exitCode: code ?? null, signal: signal ?? null, stdout, stderr, timedOut, durationMs: Date.now() - started });
      });
      stream.end();
    });
  });
}

export class FeedPublisher {
  private presentedKey: string | undefined;

  private constructor(
    private readonly target: SshTarget,
    private readonly sftp: SftpClient,
  ) {}

  get where(): string {
    return `${this.target.user}@${this.target.host}:${this.target.port}`;
  }

  /** The underlying ssh2 connection (ssh2-sftp-client keeps it as `client`), used for exec. */
  private get ssh(): SshClient {
    return (this.sftp as unknown as { client: SshClient }).client;
  }

  static async connect(target: SshTarget, log: Logger): Promise<FeedPublisher> {
    const privateKey = await readPrivateKey(target.privateKeyPath);
    // Loaded here, not at start-up: only the XML feed worker needs ssh2 (about 18 MB of RSS).
    const { default: Sftp } = await import('ssh2-sftp-client');
    const p = new FeedPublisher(target, new Sftp('mikrosync-feed'));
    try {
      await p.sftp.connect({
        host: target.host,
        port: target.port,
        username: target.user,
        privateKey,
        readyTimeout: target.connectTimeoutMs,
        keepaliveInterval: 10_000,
        hostVerifier: (key: Buffer) => {
          p.presentedKey = sshFingerprint(key);
          return target.hostFingerprints.length === 0 || target.hostFingerprints.includes(p.presentedKey);
        },
      });
    } catch (err) {
      // end() of ssh2-sftp-client waits for a close event that a failed connection never emits.
      p.ssh.destroy();
      throw p.connectError(err);
    }
    if (target.hostFingerprints.length === 0) {
      log.warn({ host: target.host, port: target.port, fingerprint: p.presentedKey }, 'feed server host key not pinned: set SSH_HOST_FINGERPRINT to this fingerprint');
    }
    return p;
  }

  private connectError(err: unknown): Error {
    const msg = (err as Error).message ?? String(err);
    const t = this.target;
    if (this.presentedKey && t.hostFingerprints.length > 0 && !t.hostFingerprints.includes(this.presentedKey)) {
      return new PermanentError(
        `host key of the feed server ${t.host}:${t.port} is ${this.presentedKey}, not the expected ${t.hostFingerprints.join(' or ')}: refusing to connect (a different server, or its key changed); the live feed is unchanged.`,
        { says: says('err.feedServer', { detail: `host key ${this.presentedKey} is not SSH_HOST_FINGERPRINT` }), fix: `check the key on the server (ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub); if it changed legitimately, set SSH_HOST_FINGERPRINT=${this.presentedKey}.`, cause: err },
      );
    }
    if (/authentication methods failed/i.test(msg)) {
      return new PermanentError(`SSH login to ${this.where} with key ${t.privateKeyPath} was refused; the live feed is unchanged.`, {
        says: says('err.feedServer', { detail: `SSH login to ${this.where} refused` }),
        fix: `add the public key to ~${t.user}/.ssh/authorized_keys on the server, or correct SSH_USER / SSH_PRIVATE_KEY_PATH.`,
        cause: err,
      });
    }
    if (/privateKey|private key|passphrase/i.test(msg)) {
      return new PermanentError(`SSH private key ${t.privateKeyPath} cannot be used: ${msg}`, {
        says: says('err.feedServer', { detail: `SSH private key: ${msg}` }),
        fix: 'use an unencrypted OpenSSH or PEM private key (ssh-keygen -t ed25519 -N "").',
        cause: err,
      });
    }
    const wrapped = new Error(`SFTP connection to the feed server ${this.where} failed: ${msg}`, { cause: err });
    (wrapped as Error & { code?: unknown }).code = (err as { code?: unknown }).code;
    return wrapped;
  }

  /** Steps 1-4 of the module comment. */
  async publish(opts: PublishOptions): Promise<PublishResult> {
    const dir = opts.remoteDir.endsWith('/') ? opts.remoteDir : `${opts.remoteDir}/`;
    const live = path.posix.join(dir, opts.name);
    const tmp = path.posix.join(dir, `.${opts.name}.${randomBytes(6).toString('hex')}.tmp`);
    const log = opts.log.child({ feedServer: this.where, remotePath: live });
    let uploaded = false;
    try {
      if (!(await this.sftp.exists(dir))) await this.sftp.mkdir(dir, true);
      uploaded = true;
      let last = 0;
      await this.sftp.fastPut(opts.local.path, tmp, {
        mode: 0o644,
        step: (done, _chunk, total) => {
          if (done - last >= 1 << 20 || done === total) {
            last = done;
            opts.progress?.('upload', done, total);
          }
        },
      });
      await this.sftp.chmod(tmp, 0o644);
      const st = await this.sftp.stat(tmp);
      if (st.size !== opts.local.size) throw new Error(`uploaded ${tmp} on ${this.where} has ${st.size} bytes, the feed has ${opts.local.size}: upload incomplete`);
      const checksumVerified = await this.verifyChecksum(tmp, opts.local.sha256, log);
      const commands = await this.distribute(opts, { tmp, live, dir }, log);
      await this.rename(tmp, live, log);
      uploaded = false;
      return { remotePath: live, checksumVerified, commands };
    } catch (err) {
      if (uploaded) await this.sftp.delete(tmp, true).catch(() => undefined);
      throw this.writeError(err, dir);
    }
  }

  private writeError(err: unknown, dir: string): unknown {
    if (err instanceof PermanentError) return err;
    const msg = (err as Error).message ?? String(err);
    if ((err as { code?: unknown }).code === 3 || /permission denied/i.test(msg)) {
      return new PermanentError(`the feed server ${this.where} refused to write in ${dir}: ${msg}; the live feed is unchanged.`, {
        says: says('err.feedServer', { detail: `${dir}: ${msg}` }),
        fix: `give ${this.target.user} write permission on ${dir} (a temporary file is created there and renamed over the feed), or set SSH_REMOTE_PATH to a writable directory.`,
        cause: err,
      });
    }
    return err;
  }

  /** sha256sum over SSH; servers without it (SFTP-only accounts) get the size check only. */
  private async verifyChecksum(tmp: string, expected: string, log: Logger): Promise<boolean> {
    let res: CommandResult;
    try {
      res = await execRemote(this.ssh, `sha256sum -- ${shellQuote(tmp)}`, CHECKSUM_TIMEOUT_MS);
    } catch (err) {
      log.info({ reason: (err as Error).message }, 'feed checksum not verified: the server does not allow commands (size verified)');
      return false;
    }
    const m = /^([0-9a-f]{64})\b/.exec(res.stdout.trim());
    if (res.exitCode !== 0 || !m) {
      log.info({ exitCode: res.exitCode, stderr: res.stderr.trim() }, 'feed checksum not verified: sha256sum is not available on the server (size verified)');
      return false;
    }
    if (m[1] !== expected) throw new Error(`uploaded ${tmp} on ${this.where} has SHA-256 ${m[1]}, the feed has ${expected}: upload corrupted`);
    return true;
  }

  /**
   * The distribution commands, one after the other, each under /bin/sh with FEED_PATH (the verified
   * new file), FEED_LIVE_PATH, FEED_NAME and FEED_DIR set. Exit status and output are logged; the
   * first failure stops the publication.
   */
  private async distribute(opts: PublishOptions, at: { tmp: string; live: string; dir: string }, log: Logger): Promise<CommandResult[]> {
    const results: CommandResult[] = [];
    const vars = `FEED_PATH=${shellQuote(at.tmp)} FEED_LIVE_PATH=${shellQuote(at.live)} FEED_NAME=${shellQuote(opts.name)} FEED_DIR=${shellQuote(at.dir)}`;
    for (const [i, command] of opts.commands.entries()) {
      const res = await execRemote(this.ssh, `env ${vars} sh -c ${shellQuote(command)}`, opts.commandTimeoutMs);
      results.push({ ...res, command });
      const entry = { command, index: i + 1, of: opts.commands.length, exitCode: res.exitCode, signal: res.signal, stdout: res.stdout, stderr: res.stderr, durationMs: res.durationMs };
      if (res.exitCode === 0 && !res.timedOut) {
        log.info(entry, 'distribution command succeeded');
        opts.progress?.('distribute', i + 1, opts.commands.length);
        continue;
      }
      log.error(entry, 'distribution command failed');
      const status = res.timedOut ? `timed out after ${opts.commandTimeoutMs} ms` : res.exitCode === null ? `was killed by signal ${res.signal}` : `exited with status ${res.exitCode}`;
      const output = (res.stderr.trim() || res.stdout.trim()).slice(-500);
      throw new Error(
        `distribution command ${i + 1} of ${opts.commands.length} on ${this.where} ${status}: ${command}${output ? ` -- output: ${output}` : ''} (the new feed was not made live; the live feed is unchanged)`,
      );
    }
    return results;
  }

  /** Atomic replace; servers without posix-rename get `mv -f` (also rename(2)) over SSH. */
  private async rename(tmp: string, live: string, log: Logger): Promise<void> {
    try {
      await this.sftp.posixRename(tmp, live);
      return;
    } catch (err) {
      if (!/does not support/i.test((err as Error).message ?? '')) throw err;
      log.info('feed server has no posix-rename extension: renaming with mv -f over SSH');
    }
    const res = await execRemote(this.ssh, `mv -f -- ${shellQuote(tmp)} ${shellQuote(live)}`, CHECKSUM_TIMEOUT_MS);
    if (res.exitCode !== 0) {
      throw new PermanentError(`the feed server ${this.where} can neither posix-rename nor run mv: ${res.stderr.trim() || `exit ${res.exitCode}`}; the live feed is unchanged.`, {
        says: says('err.feedServer', { detail: 'no posix-rename, no mv' }),
        fix: 'use an OpenSSH server (posix-rename@openssh.com) or allow the user to run commands.',
      });
    }
  }

  /** Closes the connection; a server that does not answer the close is cut off after 5 s. */
  async close(): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const cutOff = new Promise<void>((resolve) => (timer = setTimeout(resolve, 5000)));
    await Promise.race([this.sftp.end().catch(() => undefined), cutOff]);
    clearTimeout(timer);
    this.ssh.destroy();
  }
}
