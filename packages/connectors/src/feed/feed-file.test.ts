/** The local feed file: streamed, hashed while written, visible under its name only when complete. */
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FeedFileWriter } from './feed-file.js';
import { shellQuote } from './publish.js';

const sha = (s: string | Buffer) => createHash('sha256').update(s).digest('hex');

describe('FeedFileWriter', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'feed-file-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('writes header, pages and footer under a temporary name, then renames; size and SHA-256 match the bytes', async () => {
    await writeFile(path.join(dir, 'f.xml'), 'old complete feed');
    const w = await FeedFileWriter.open(dir, 'f.xml', '<h n="1">');
    await w.write('Çiğ ');
    expect(await readFile(path.join(dir, 'f.xml'), 'utf8')).toBe('old complete feed');
    await w.write('');
    await w.write('ş');
    const file = await w.finish('<h n="1">', '</h>');
    const bytes = await readFile(path.join(dir, 'f.xml'));
    expect(bytes.toString('utf8')).toBe('<h n="1">Çiğ ş</h>');
    expect(file).toEqual({ path: path.join(dir, 'f.xml'), size: bytes.length, sha256: sha(bytes) });
    expect(await readdir(dir)).toEqual(['f.xml']);
  });

  it('replaces a header of the same length in place and one of another length by copying, hash included', async () => {
    for (const finalHeader of ['<h n="2">', '<h n="10">', '<h>']) {
      const w = await FeedFileWriter.open(dir, 'g.xml', '<h n="1">');
      await w.write('x'.repeat(200_000));
      const file = await w.finish(finalHeader, '</h>');
      const bytes = await readFile(file.path);
      expect(bytes.toString('utf8')).toBe(`${finalHeader}${'x'.repeat(200_000)}</h>`);
      expect(file.size).toBe(bytes.length);
      expect(file.sha256).toBe(sha(bytes));
      expect(await readdir(dir)).toEqual(['g.xml']);
    }
  });

  it('abort leaves the previous file and no temporary file', async () => {
    await writeFile(path.join(dir, 'f.xml'), 'previous');
    const w = await FeedFileWriter.open(dir, 'f.xml', 'h');
    await w.write('partial');
    await w.abort();
    expect(await readdir(dir)).toEqual(['f.xml']);
    expect(await readFile(path.join(dir, 'f.xml'), 'utf8')).toBe('previous');
  });
});

describe('SSH helpers', () => {
  it('quotes any value as one POSIX shell word', () => {
    expect(shellQuote(`/var/www/it's here/$HOME "x"`)).toBe(`'/var/www/it'\\''s here/$HOME "x"'`);
  });
  // The fingerprint format is checked against ssh-keygen -lf in tests/xml/upload.test.ts.
});
