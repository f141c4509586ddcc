/**
 * Every permanent error an operator can meet says its reason as a message key (rendered in
 * Turkish or English on the page), or names a missing mapping the page fixes in place. A file
 * listed as pending may keep unkeyed throw sites while it is being rewritten; the list is empty
 * now, so any throw site without a key fails this test.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { MESSAGE_PARAMS } from '@mikrosync/core';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Files whose throw sites get their keys after their rewrite lands: none at present. */
const PENDING: string[] = [];

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) return name === 'node_modules' || name === 'dist' ? [] : sources(p);
    return p.endsWith('.ts') && !p.endsWith('.test.ts') && !p.endsWith('.d.ts') ? [p] : [];
  });
}

/** The argument text of each `new PermanentError(` / `new ConflictError(` (balanced parentheses). */
function throwSites(text: string): string[] {
  const sites: string[] = [];
  for (const m of text.matchAll(/new (?:Permanent|Conflict)Error\(/g)) {
    let depth = 1;
    let i = m.index + m[0].length;
    for (; i < text.length && depth > 0; i++) {
      if (text[i] === '(') depth++;
      else if (text[i] === ')') depth--;
    }
    sites.push(text.slice(m.index, i));
  }
  return sites;
}

describe('message keys of permanent errors', () => {
  const files = ['apps', 'packages'].flatMap((top) => readdirSync(path.join(ROOT, top)).flatMap((pkg) => sources(path.join(ROOT, top, pkg, 'src'))));
  const unkeyed = new Map<string, number>();
  for (const file of files) {
    const rel = path.relative(ROOT, file).split(path.sep).join('/');
    if (rel === 'packages/core/src/errors.ts') continue;
    const n = throwSites(readFileSync(file, 'utf8')).filter((s) => !/\bsays[:(]|\bsays,|\bmapping:/.test(s)).length;
    if (n) unkeyed.set(rel, n);
  }

  it('finds no throw site without a key outside the files listed as pending', () => {
    const outside = [...unkeyed].filter(([f]) => !PENDING.includes(f)).map(([f, n]) => `${f}: ${n} site(s)`);
    expect(outside).toEqual([]);
  });

  it('lists as pending only files that still lack keys', () => {
    expect(PENDING.filter((f) => !unkeyed.has(f))).toEqual([]);
  });

  it('has the keys the posting errors use', () => {
    const needed = ['err.accountNotInErp', 'err.stockCodeNotInErp', 'err.depotLocked', 'err.cashBoxNotInErp', 'err.bankNotInErp', 'err.chequeNotInPortfolio', 'err.chequeAmountDiffers',
      'err.editedAfterPosting', 'err.deletedAfterPosting', 'err.changedInMikro', 'err.editsRejected', 'err.noLinesYet', 'err.accountMissing', 'err.cashBoxMissing', 'err.bankMissing', 'err.priceListMissing'];
    expect(needed.filter((k) => !(k in MESSAGE_PARAMS))).toEqual([]);
  });
});
