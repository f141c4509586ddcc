// Keeps the documentation honest, by reading files only:
// - every id the code cites (a spec section, an ERP business rule, a data-safety rule, a trap, an open
//   question Q) has a line in the index of docs/open-questions.md, which says what it states;
// - README.md stays a front door (at most 160 lines), and each domain's README at most 15 lines;
// - every relative Markdown link in README.md, docs/ and the domain READMEs leads to a file of the
//   repository, and a link to a heading of a Markdown page leads to a heading that exists.
// Runs in the integration project only because that is where tests/ lives; it needs no database.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../support/repo-copy.js';

const read = (rel: string) => readFileSync(path.join(REPO_ROOT, rel), 'utf8');
const repoFiles = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard'], { cwd: REPO_ROOT, encoding: 'utf8' })
  .split('\n')
  .filter((f) => f && existsSync(path.join(REPO_ROOT, f)));

// ---- cited ids ----------------------------------------------------------------------------------

const CODE_DIRS = /^(apps|packages|tests|scripts|bench|db)\//;
const CODE_FILE = /\.(?:[cm]?[jt]s|sql|sh)$/;
const SELF = 'tests/deploy/docs.test.ts';
const DOC = String.raw`(ARCHITECTURE(?:\.md)?|docs/architecture\.md|erp\.md|entegra\.md|bitrix24\.md|stock-xml\.md)`;
const SEC = String.raw`\d+(?:\.\d+)*`;
const LIST = String.raw`${SEC}(?:\s*(?:[–/-]|,|and)\s*§?\s?${SEC})*`;
const NUMS = String.raw`\d+(?:\s*(?:[–-]|,|and)\s*\d+)*`;
const RULES = new RegExp(String.raw`(?:\b${DOC}\s+)?\brules?\s+(${NUMS})`, 'g');
const TRAPS = new RegExp(String.raw`\btraps?\s+(${NUMS})`, 'g');
const QUESTIONS = /\bQ(\d+)\b/g;
const SPEC_SECTIONS = new RegExp(String.raw`\b(?:spec\s+(?:${DOC}\s+)?|${DOC}\s+)(?:sections?\s+)?§?\s?(${LIST})`, 'g');
const BARE_SECTIONS = new RegExp(String.raw`§\s?(${LIST})`, 'g');

/** "3.1–3.4, 3.7 and §5" -> 3.1, 3.2, 3.3, 3.4, 3.7, 5: ranges are expanded within one parent section. */
export function expandList(list: string): string[] {
  const out: string[] = [];
  const parts = list.split(/\s*(,|and|\/|[–-])\s*/).map((p) => p.replace(/^§\s?/, ''));
  for (let i = 0; i < parts.length; i += 2) {
    const from = parts[i]!;
    out.push(from);
    if (parts[i + 1] === '–' || parts[i + 1] === '-') {
      const to = parts[i + 2]!;
      const [fp, fl] = [from.split('.').slice(0, -1).join('.'), Number(from.split('.').pop())];
      const [tp, tl] = [to.split('.').slice(0, -1).join('.'), Number(to.split('.').pop())];
      if (fp === tp) for (let n = fl + 1; n < tl; n++) out.push(fp ? `${fp}.${n}` : String(n));
    }
  }
  return out;
}

/** The spec a bare section number belongs to, by the part of the code it is written in. */
function specOfPath(file: string): string {
  if (/bitrix/i.test(file)) return 'bitrix24.md';
  if (/(?:^|\/)xml\/|stock-feed|xml-feed|stock-xml/.test(file)) return 'stock-xml.md';
  if (/entegra/.test(file)) return 'entegra.md';
  return 'erp.md';
}

function specOfName(doc: string | undefined, file: string): string {
  if (!doc) return specOfPath(file);
  return /architecture/i.test(doc) ? 'architecture' : doc;
}

/** The index keys of the ids cited in one file (comments and code alike). */
export function citedIds(file: string, text: string): string[] {
  // One line of prose per comment: a citation may wrap onto the next comment line.
  let flat = text.replace(/[ \t]*\r?\n[ \t]*(?:\*(?!\/)|\/\/|--|#)?[ \t]*/g, ' ');
  const keys = new Set<string>();
  for (const m of flat.matchAll(RULES)) {
    const prefix = m[1] && /architecture/i.test(m[1]) ? 'architecture rule' : 'spec rule';
    for (const n of expandList(m[2]!)) keys.add(`${prefix} ${n}`);
  }
  for (const m of flat.matchAll(TRAPS)) for (const n of expandList(m[1]!)) keys.add(`trap ${n}`);
  for (const m of flat.matchAll(QUESTIONS)) keys.add(`Q${m[1]}`);
  flat = flat.replace(SPEC_SECTIONS, (all: string, d1?: string, d2?: string, list?: string) => {
    const spec = specOfName(d1 ?? d2, file);
    for (const s of expandList(list!)) keys.add(`${spec} §${s}`);
    return ' '.repeat(all.length);
  });
  for (const m of flat.matchAll(BARE_SECTIONS)) for (const s of expandList(m[1]!)) keys.add(`${specOfPath(file)} §${s}`);
  return [...keys];
}

/** `- \`KEY\` — what it states` lines under the index heading of docs/open-questions.md. */
function indexKeys(): Map<string, string> {
  const page = read('docs/open-questions.md');
  const at = page.indexOf('\n## Index of the ids the code cites');
  expect(at, 'docs/open-questions.md has a section "## Index of the ids the code cites"').toBeGreaterThan(0);
  const section = page.slice(at + 1).split(/\n## /)[0]!;
  return new Map([...section.matchAll(/^- `([^`]+)` — (.+)$/gm)].map((m) => [m[1]!, m[2]!]));
}

describe('every id the code cites is in the index of docs/open-questions.md', () => {
  it('reads citations as the code writes them (the reader itself)', () => {
    expect(expandList('3.1–3.4, 3.7')).toEqual(['3.1', '3.2', '3.3', '3.4', '3.7']);
    expect(citedIds('packages/x/src/bitrix/a.ts', '/** (spec §1.6, §1.7): x\n * and §1-§3 */')).toEqual(['bitrix24.md §1.6', 'bitrix24.md §1.7', 'bitrix24.md §1', 'bitrix24.md §2', 'bitrix24.md §3']);
    expect(citedIds('a.ts', '// (spec 2.9, rules 15 and 16; trap 23, Q45)').sort()).toEqual(['Q45', 'erp.md §2.9', 'spec rule 15', 'spec rule 16', 'trap 23']);
    expect(citedIds('a.ts', ' * (depot, plan: erp.md\n * §2.6) and (spec entegra.md 7.1)')).toEqual(['erp.md §2.6', 'entegra.md §7.1']);
    expect(citedIds('a.ts', '// docs/architecture.md rule 3 and ARCHITECTURE.md rules 1, 8')).toEqual(['architecture rule 3', 'architecture rule 1', 'architecture rule 8']);
  });

  it('has a line for each of them', () => {
    const index = indexKeys();
    const files = repoFiles.filter((f) => CODE_DIRS.test(f) && CODE_FILE.test(f) && f !== SELF && !/(?:^|\/)(?:node_modules|dist)\//.test(f));
    expect(files.length).toBeGreaterThan(100);
    const missing: string[] = [];
    let cited = 0;
    const seen = new Set<string>();
    for (const f of files)
      for (const key of citedIds(f, read(f))) {
        if (!seen.has(key)) cited++;
        seen.add(key);
        if (!index.has(key)) missing.push(`${f}: ${key}`);
      }
    expect(cited).toBeGreaterThan(50);
    expect(missing, 'add a line "- `KEY` — what it states" to the index of docs/open-questions.md, or fix the citation').toEqual([]);
  });
});

// ---- page sizes and links -----------------------------------------------------------------------

const lineCount = (text: string) => text.replace(/\n$/, '').split('\n').length;
const PAGES = repoFiles.filter((f) => f === 'README.md' || (f.startsWith('docs/') && f.endsWith('.md')) || /^apps\/workers\/src\/domains\/[^/]+\/README\.md$/.test(f));

/** GitHub's anchor of a heading: lower case, punctuation dropped, spaces to hyphens. */
function slug(heading: string): string {
  return heading.trim().toLowerCase().replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '').replace(/ /g, '-');
}

function withoutCode(text: string): string {
  return text.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, '').replace(/`[^`\n]*`/g, '');
}

function anchorsOf(rel: string): Set<string> {
  const counts = new Map<string, number>();
  const anchors = new Set<string>();
  for (const m of withoutCode(read(rel)).matchAll(/^#{1,6}[ \t]+(.+?)[ \t#]*$/gm)) {
    const base = slug(m[1]!);
    const n = counts.get(base) ?? 0;
    counts.set(base, n + 1);
    anchors.add(n ? `${base}-${n}` : base);
  }
  return anchors;
}

describe('the README and docs/', () => {
  it('README.md is at most 160 lines, a domain README at most 15', () => {
    expect(lineCount(read('README.md'))).toBeLessThanOrEqual(160);
    const domainReadmes = PAGES.filter((f) => f.startsWith('apps/'));
    expect(domainReadmes.length).toBeGreaterThan(0);
    for (const f of domainReadmes) expect(lineCount(read(f)), f).toBeLessThanOrEqual(15);
  });

  it('every relative link leads to a file of the repository, and to a heading that exists', () => {
    expect(PAGES).toContain('docs/open-questions.md');
    const broken: string[] = [];
    for (const page of PAGES) {
      for (const m of withoutCode(read(page)).matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)) {
        const link = m[1]!;
        if (/^[a-z][a-z0-9+.-]*:/i.test(link)) continue;
        const [target, anchor] = link.split('#') as [string, string | undefined];
        const rel = target ? path.posix.normalize(path.posix.join(path.posix.dirname(page), decodeURI(target))) : page;
        if (rel.startsWith('..') || !existsSync(path.join(REPO_ROOT, rel))) broken.push(`${page}: ${link} (no file ${rel})`);
        else if (anchor && rel.endsWith('.md') && !anchorsOf(rel).has(decodeURIComponent(anchor))) broken.push(`${page}: ${link} (no heading #${anchor} in ${rel})`);
      }
    }
    expect(broken).toEqual([]);
  });
});
