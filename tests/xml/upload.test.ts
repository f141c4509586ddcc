/**
 * The stock XML feed on a real OpenSSH server (our own sshd on a loopback port, tests/support/sshd.ts):
 * the feed arrives through `npm run stock-xml` (mikrosync run xml feed --wait) and the worker
 * runtime, readers of the live path only ever see a complete feed while it is replaced, the
 * distribution commands run on the server with their status and output logged, and every fault ends
 * with a clear reason in the dead-letter queue while the live feed stays as it was.
 */
import { createHash } from 'node:crypto';
import { chmod, copyFile, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { XMLValidator } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger, loadConfig, taskJobId, type TaskJob } from '@mikrosync/core';
import { FeedFileWriter, FeedPublisher, type DeadLetterEntry, type ErpClient, type FeedFile, type Row } from '@mikrosync/connectors';
import { FEED_FOOTER, renderFeedHeader, renderProducts, toFeedItem } from '@mikrosync/mappers';
import { createWorkerContext, startWorkers, type WorkerContext } from '@mikrosync/workers';
import { createTestEnv, waitFor, type TestEnv } from '../support/test-env.js';
import { runCli } from '../support/processes.js';
import { generateKey, startSshd, type TestSshd } from '../support/sshd.js';
import { seedErpCards, seedPictures } from '../support/stock-xml-seed.js';

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

async function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

interface Fleet {
  ctx: WorkerContext;
  logs: Record<string, unknown>[];
  run(): Promise<string>;
  close(): Promise<void>;
}

describe('stock XML feed: upload to an OpenSSH server', () => {
  let t: TestEnv;
  let sshd: TestSshd;
  let scratch: string;
  let base: Record<string, string>;
  const live = () => path.join(sshd.remoteDir, 'sadece-stoklar.xml');
  const containerCopy = () => path.join(scratch, 'containers', 'web', 'sadece-stoklar.xml');

  /** Workers of the xml domain in this process, with their log lines captured. */
  async function fleet(overrides: Record<string, string> = {}, erp?: (erp: ErpClient) => ErpClient): Promise<Fleet> {
    const config = loadConfig({ ...t.env, ...base, ...overrides });
    const logs: Record<string, unknown>[] = [];
    const log = createLogger({ level: 'info', name: 'feed-test' }, { write: (line: string) => void logs.push(JSON.parse(line) as Record<string, unknown>) });
    const ctx = createWorkerContext(config, log);
    if (erp) ctx.erp = erp(ctx.erp);
    const workers = startWorkers(ctx, ['xml'], { housekeeping: false });
    return {
      ctx,
      logs,
      async run() {
        const data: TaskJob = { kind: 'task', task: 'feed', requestedBy: 'test' };
        const job = await ctx.queues.get('xml').add('xml:feed', data, { jobId: taskJobId('xml', 'feed') });
        return String(job.id);
      },
      async close() {
        await workers.close();
        await ctx.close();
      },
    };
  }

  /** Runs the feed with faulty settings and returns its dead letter; the live feed must not change. */
  async function deadLetterOf(overrides: Record<string, string>, erp?: (erp: ErpClient) => ErpClient): Promise<DeadLetterEntry & { logs: Record<string, unknown>[] }> {
    const before = await readFile(live());
    const f = await fleet(overrides, erp);
    try {
      const jobId = await f.run();
      const dead = await waitFor('dead letter', async () => (await f.ctx.dlq.list(0, 999)).find((e) => e.jobId === jobId), 60_000);
      // Hashes, not toEqual: a deep comparison of a multi-megabyte Buffer takes seconds.
      expect(sha(await readFile(live()))).toBe(sha(before));
      expect((await readdir(sshd.remoteDir)).filter((n) => n.endsWith('.tmp'))).toEqual([]);
      return { ...dead, logs: f.logs };
    } finally {
      await f.close();
    }
  }

  beforeAll(async () => {
    sshd = await startSshd();
    scratch = await mkdtemp(path.join(os.tmpdir(), 'mikrosync-feed-up-'));
    t = await createTestEnv();
    base = {
      SSH_HOST: sshd.host,
      SSH_PORT: String(sshd.port),
      SSH_USER: sshd.user,
      SSH_PRIVATE_KEY_PATH: sshd.clientKeyPath,
      SSH_REMOTE_PATH: `${sshd.remoteDir}/`,
      SSH_HOST_FINGERPRINT: sshd.hostFingerprint,
      SSH_CONNECT_TIMEOUT_MS: '5000',
      STOCK_XML_OUTPUT_DIR: path.join(scratch, 'local'),
      STOCK_XML_DISTRIBUTE: JSON.stringify([
        `mkdir -p '${scratch}/containers/web' && cp "$FEED_PATH" '${scratch}/containers/web/'"$FEED_NAME"`,
        'echo "copied $FEED_NAME"; echo "a warning" >&2',
      ]),
    };
    await seedErpCards(t.erp, [
      { code: 'A-1', name: `Oyuncak "Ayı" & Çiğdem'in <seti>`, barcodes: ['8690000000011'], prices: [[1, 12.5], [2, 20], [3, 11]], movements: [4] },
      { code: 'B-2', name: 'Şişme Top İğne', prices: [[1, 3290.000000000001]] },
    ]);
    await seedPictures(t.web, [{ id: 1, code: 'A-1', pictures: [{ id: 1, path: '/resimler/ayi.jpg', sort: 1 }, { id: 2, path: 'resimler/ayi.jpg', sort: 2 }] }]);
  });
  afterAll(async () => {
    await t?.cleanup();
    await sshd?.stop();
    if (scratch) await rm(scratch, { recursive: true, force: true });
  });

  it('npm run stock-xml: the feed arrives complete and the distribution commands run, with status and output logged', async () => {
    const f = await fleet();
    try {
      const cli = await runCli(['run', 'xml', 'feed', '--wait', '--timeout', '60'], { ...t.env, ...base });
      expect(cli.code, cli.output).toBe(0);
      expect(cli.output).toMatch(/feed of 2 products \(\d+ bytes\) published to .*@127\.0\.0\.1:\d+.*sadece-stoklar\.xml, checksum verified, 2 distribution command\(s\) succeeded/);

      const remote = await readFile(live());
      const local = await readFile(path.join(scratch, 'local', 'sadece-stoklar.xml'));
      expect(sha(remote)).toBe(sha(local));
      const xml = remote.toString('utf8');
      expect(XMLValidator.validate(xml)).toBe(true);
      expect(xml).toContain(`<Name>Oyuncak &quot;Ayı&quot; &amp; Çiğdem&apos;in &lt;seti&gt;</Name>`);
      expect(xml).toContain('<Price>3290</Price>');
      expect(xml.match(/<Image\d+>/g)).toEqual(['<Image1>']);
      expect(sha(await readFile(containerCopy()))).toBe(sha(remote));
      expect((await readdir(sshd.remoteDir)).filter((n) => n.endsWith('.tmp'))).toEqual([]);

      const commands = f.logs.filter((l) => l.msg === 'distribution command succeeded');
      expect(commands).toHaveLength(2);
      expect(commands[1]).toMatchObject({ exitCode: 0, stdout: 'copied sadece-stoklar.xml\n', stderr: 'a warning\n', index: 2, of: 2 });
      expect(String(commands[0]?.command)).toContain('cp "$FEED_PATH"');
    } finally {
      await f.close();
    }
    expect(JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8')).scripts['stock-xml']).toMatch(/run xml feed --wait/);
  });

  it('a client reading the live path during uploads always gets a complete, parseable feed', async () => {
    const dir = path.join(scratch, 'versions');
    const make = async (name: string, count: number, label: string): Promise<FeedFile> => {
      const items = Array.from({ length: count }, (_, i) =>
        toFeedItem({
          sto_RECno: i + 1, sto_kod: `${label}-${i}`, sto_isim: `Ürün ${label} ${i} & "${'x'.repeat(200)}"`, sto_marka_kodu: 'M', sto_kisa_ismi: '', sto_yer_kod: 'R',
          sto_sektor_kodu: '', sto_ambalaj_kodu: '', sto_altgrup_kod: '', sto_anagrup_kod: '', barcode: String(i), stock: i, price1: i * 1.5, price2: 0, price3: 0,
        }),
      );
      const w = await FeedFileWriter.open(dir, name, renderFeedHeader('01.01.2026 00:00:00', count));
      await w.write(renderProducts(items));
      return w.finish(renderFeedHeader('01.01.2026 00:00:00', count), FEED_FOOTER);
    };
    const versions = [await make('a.xml', 6000, 'A'), await make('b.xml', 4000, 'B')];
    const known = new Map(versions.map((v, i) => [v.sha256, i]));
    const publisher = await FeedPublisher.connect(
      { host: sshd.host, port: sshd.port, user: sshd.user, privateKeyPath: sshd.clientKeyPath, hostFingerprints: [sshd.hostFingerprint], connectTimeoutMs: 5000 },
      t.log,
    );
    const seen = [0, 0];
    let reads = 0;
    let uploading = true;
    const publish = (v: FeedFile) => publisher.publish({ local: v, remoteDir: sshd.remoteDir, name: 'sadece-stoklar.xml', commands: [], commandTimeoutMs: 10_000, log: t.log });
    await publish(versions[1] as FeedFile);
    const reader = (async () => {
      while (uploading) {
        const buf = await readFile(live());
        const which = known.get(sha(buf));
        if (which === undefined) throw new Error(`read ${buf.length} bytes that are neither version (partial or mixed feed)`);
        seen[which] = (seen[which] ?? 0) + 1;
        if (reads++ % 10 === 0) expect(XMLValidator.validate(buf.toString('utf8'))).toBe(true);
      }
    })();
    try {
      for (let i = 0; i < 8; i++) {
        await publish(versions[i % 2] as FeedFile);
        await new Promise((r) => setTimeout(r, 20));
      }
    } finally {
      uploading = false;
      await publisher.close();
    }
    await reader;
    expect(reads).toBeGreaterThan(20);
    expect(seen[0]).toBeGreaterThan(0);
    expect(seen[1]).toBeGreaterThan(0);
  });

  describe('faults: clear reason, dead-letter queue, live feed untouched', () => {
    beforeAll(async () => {
      // A feed that differs from the live one, so an unwanted publication would show.
      await seedErpCards(t.erp, [{ code: 'C-3', name: 'New card that must not go live' }]);
    });

    it('feed server down: waited out for TRANSIENT_RETRY_FOR, then dead-lettered with the host in the reason', async () => {
      const port = await closedPort();
      const dead = await deadLetterOf({ SSH_PORT: String(port), TRANSIENT_RETRY_FOR: '3s', RETRY_BACKOFF_MS: '200' });
      expect(dead.reason).toMatch(new RegExp(`SFTP connection to the feed server .*@127\\.0\\.0\\.1:${port} failed`));
      expect(dead.reason).toMatch(/\(since \d\d:\d\d:\d\d, [2-9]\d* tries\)/);
      expect(dead.permanent).toBe(false);
    });

    it('wrong host key: refused at once, naming both fingerprints', async () => {
      const other = await generateKey(path.join(scratch, 'other_host_key'));
      const dead = await deadLetterOf({ SSH_HOST_FINGERPRINT: other.fingerprint });
      expect(dead.reason).toContain(`host key of the feed server 127.0.0.1:${sshd.port} is ${sshd.hostFingerprint}, not the expected ${other.fingerprint}`);
      expect(dead.reason).toContain(`Fix: check the key on the server`);
      expect(dead.permanent).toBe(true);
      expect(dead.attempts).toBe(1);
    });

    it('permission denied on the remote directory', async () => {
      const ro = await startSshd({ sftpReadOnly: true });
      try {
        const dead = await deadLetterOf({ SSH_PORT: String(ro.port), SSH_PRIVATE_KEY_PATH: ro.clientKeyPath, SSH_HOST_FINGERPRINT: ro.hostFingerprint, SSH_REMOTE_PATH: ro.remoteDir });
        expect(dead.reason).toMatch(new RegExp(`feed server .*@127\\.0\\.0\\.1:${ro.port} refused to write in ${ro.remoteDir}/: .*Permission denied`, 'i'));
        expect(dead.reason).toMatch(/Fix: give .* write permission/);
        expect(dead.permanent).toBe(true);
        expect(await readdir(ro.remoteDir)).toEqual([]);
      } finally {
        await ro.stop();
      }
    });

    it('a distribution command that exits 1: status and output in the reason and the log, the new feed not made live', async () => {
      const dead = await deadLetterOf({ STOCK_XML_DISTRIBUTE: JSON.stringify(['echo partial; echo "no such container" >&2; exit 1']) });
      expect(dead.reason).toContain('distribution command 1 of 1 on');
      expect(dead.reason).toContain('exited with status 1: echo partial;');
      expect(dead.reason).toContain('output: no such container');
      expect(dead.reason).toContain('the live feed is unchanged');
      const failed = dead.logs.find((l) => l.msg === 'distribution command failed');
      expect(failed).toMatchObject({ exitCode: 1, stdout: 'partial\n', stderr: 'no such container\n' });
    });

    it('a product with a NUL character in its name', async () => {
      const withNul = (erp: ErpClient): ErpClient => ({
        ...erp,
        async query<T = Row>(stmt: Parameters<ErpClient['query']>[0]): Promise<T[]> {
          const rows = await erp.query<Row>(stmt);
          return rows.map((r) => (r.sto_kod === 'B-2' ? { ...r, sto_isim: 'Şişme\u0000Top' } : r)) as T[];
        },
      });
      const dead = await deadLetterOf({}, withNul);
      expect(dead.reason).toMatch(/stock card "B-2" \(sto_RECno \d+\): Name \(sto_isim\) contains U\+0000 at position 6/);
      expect(dead.permanent).toBe(true);
    });

    it('a private key readable by group or others is refused, as OpenSSH does', async () => {
      const key = path.join(scratch, 'open_key');
      await copyFile(sshd.clientKeyPath, key);
      await chmod(key, 0o644);
      const dead = await deadLetterOf({ SSH_PRIVATE_KEY_PATH: key });
      expect(dead.reason).toContain(`SSH private key ${key} (SSH_PRIVATE_KEY_PATH) has permissions 0644, so group or others can access it`);
      expect(dead.reason).toContain(`Fix: chmod 600 ${key}`);
      expect(dead.permanent).toBe(true);
    });

    it.each([
      ['a missing key file', async (d: string) => path.join(d, 'nope'), /does not exist/],
      ['a directory', async (d: string) => d, /is not a file/],
      [
        'the public key',
        async (d: string) => {
          await copyFile(`${sshd.clientKeyPath}.pub`, path.join(d, 'pub_as_key'));
          await chmod(path.join(d, 'pub_as_key'), 0o600);
          return path.join(d, 'pub_as_key');
        },
        /is not a private key/,
      ],
    ])('an unusable key (%s)', async (_what, keyPath, reason) => {
      const dead = await deadLetterOf({ SSH_PRIVATE_KEY_PATH: await keyPath(scratch) });
      expect(dead.reason).toMatch(reason);
      expect(dead.permanent).toBe(true);
    });

    it('a key the server does not accept', async () => {
      const stranger = await generateKey(path.join(scratch, 'stranger_key'));
      const dead = await deadLetterOf({ SSH_PRIVATE_KEY_PATH: stranger.path });
      expect(dead.reason).toMatch(/SSH login to .*@127\.0\.0\.1:\d+ with key .*stranger_key was refused/);
      expect(dead.permanent).toBe(true);
    });
  });
});
