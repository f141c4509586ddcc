/**
 * The local feed file, written as a stream: the header, then one write per page of products, then
 * the footer. Bytes are hashed (SHA-256) as they are written, so the upload can be verified without
 * reading the file again. The file appears under its final name only when it is complete (written
 * to a temporary name in the same directory, fsync'ed, renamed).
 */
import { createHash, randomBytes, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, rename, rm, type FileHandle } from 'node:fs/promises';
import path from 'node:path';

export interface FeedFile {
  path: string;
  size: number;
  sha256: string;
}

export class FeedFileWriter {
  private hash: Hash = createHash('sha256');
  private size = 0;
  private closed = false;
  private readonly pending = new Set<Promise<void>>();
  private failure: unknown;

  private constructor(
    private handle: FileHandle,
    private tmpPath: string,
    readonly finalPath: string,
    private readonly header: Buffer,
  ) {}

  /** Creates `dir` if needed and starts `name` under a temporary name with `header` written. */
  static async open(dir: string, name: string, header: string): Promise<FeedFileWriter> {
    await mkdir(dir, { recursive: true });
    const tmpPath = path.join(dir, `.${name}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`);
    const handle = await open(tmpPath, 'w', 0o644);
    const writer = new FeedFileWriter(handle, tmpPath, path.join(dir, name), Buffer.from(header, 'utf8'));
    await writer.writeBytes(writer.header);
    return writer;
  }

  /**
   * Appends `text`. Bytes are hashed and placed now (in call order); the disk write runs in the
   * background at its own offset, so the caller can render the next chunk meanwhile. Await the
   * returned promise (or a batch of them) to keep memory bounded.
   */
  write(text: string): Promise<void> {
    if (text.length === 0) return Promise.resolve();
    const p = this.writeBytes(Buffer.from(text, 'utf8'));
    this.pending.add(p);
    p.then(
      () => this.pending.delete(p),
      (err: unknown) => {
        this.pending.delete(p);
        this.failure ??= err;
      },
    );
    return p;
  }

  private writeBytes(buf: Buffer): Promise<void> {
    this.hash.update(buf);
    const at = this.size;
    this.size += buf.length;
    return (async () => {
      let done = 0;
      while (done < buf.length) done += (await this.handle.write(buf, done, buf.length - done, at + done)).bytesWritten;
    })();
  }

  /**
   * Writes `footer`, puts `finalHeader` in place of the first header if it differs (the product
   * count changed during the read), syncs and renames the file to its final name.
   */
  async finish(finalHeader: string, footer: string): Promise<FeedFile> {
    await this.write(footer);
    await Promise.all(this.pending);
    if (this.failure !== undefined) throw this.failure;
    const header = Buffer.from(finalHeader, 'utf8');
    if (!header.equals(this.header)) await this.replaceHeader(header);
    await this.handle.sync();
    await this.handle.close();
    this.closed = true;
    await rename(this.tmpPath, this.finalPath);
    return { path: this.finalPath, size: this.size, sha256: this.hash.digest('hex') };
  }

  /** Rare path: same length is patched in place; otherwise the body is copied behind the new header. */
  private async replaceHeader(header: Buffer): Promise<void> {
    this.hash = createHash('sha256');
    if (header.length === this.header.length) {
      await this.handle.write(header, 0, header.length, 0);
      // The running hash covered the old header: hash the file again.
      for await (const chunk of createReadStream(this.tmpPath)) this.hash.update(chunk as Buffer);
      return;
    }
    const oldPath = this.tmpPath;
    const old = this.handle;
    this.tmpPath = `${oldPath}.2`;
    this.handle = await open(this.tmpPath, 'w', 0o644);
    this.size = 0;
    await this.writeBytes(header);
    for await (const chunk of createReadStream(oldPath, { start: this.header.length })) await this.writeBytes(chunk as Buffer);
    await old.close();
    await rm(oldPath, { force: true });
  }

  /** Drops the unfinished file; the previous feed under the final name stays as it was. */
  async abort(): Promise<void> {
    await Promise.allSettled(this.pending);
    if (!this.closed) {
      this.closed = true;
      await this.handle.close().catch(() => undefined);
    }
    await rm(this.tmpPath, { force: true });
  }
}
