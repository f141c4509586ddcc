/**
 * Every word the console shows exists in Turkish and English: the keys the page names (in its
 * markup, its script, and the `prefix.value` words built from data) are all in both tables, none is
 * empty, and both languages fill the same placeholders.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CONSOLE_HTML } from './page.js';
import { TEXTS, WORDS_BY_VALUE, type Lang } from './texts.js';

const script = readFileSync(new URL('./script.ts', import.meta.url), 'utf8');

/** The keys the page uses by name: data-t / data-t-placeholder attributes and t('…') calls. */
function keysUsed(): string[] {
  const keys = new Set<string>();
  for (const m of CONSOLE_HTML.matchAll(/data-t(?:-placeholder)?="([^"]+)"/g)) keys.add(m[1]!);
  for (const m of script.matchAll(/\bt\('([^']+)'/g)) if (!m[1]!.endsWith('.')) keys.add(m[1]!);
  for (const [prefix, values] of Object.entries(WORDS_BY_VALUE)) for (const v of values) keys.add(`${prefix}.${v}`);
  return [...keys];
}

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('console texts', () => {
  it('finds the keys the page uses (the scan itself works)', () => {
    const used = keysUsed();
    expect(used).toEqual(expect.arrayContaining(['title', 'tracker', 'trackerHint', 'runNow', 'confirmDiscard', 'kind.account', 'doc.posted', 'state.red']));
    expect(used.length).toBeGreaterThan(60);
  });

  it('builds words from data only with prefixes whose values are listed', () => {
    const prefixes = [...script.matchAll(/\bt\('([^']+)\.' \+/g)].map((m) => m[1]!);
    expect(prefixes.length).toBeGreaterThan(3);
    expect(prefixes.filter((p) => !(p in WORDS_BY_VALUE))).toEqual([]);
  });

  it.each(['tr', 'en'] as Lang[])('has every used key in %s, none empty', (lang) => {
    const missing = keysUsed().filter((k) => !(TEXTS[lang] as Record<string, string>)[k]?.trim());
    expect(missing).toEqual([]);
  });

  it('has the same keys and placeholders in both languages', () => {
    expect(Object.keys(TEXTS.en).sort()).toEqual(Object.keys(TEXTS.tr).sort());
    for (const key of Object.keys(TEXTS.tr) as (keyof typeof TEXTS.tr)[]) expect(placeholders(TEXTS.en[key]), key).toEqual(placeholders(TEXTS.tr[key]));
  });

  it('keeps no key unused (a dead word is a word nobody translates again)', () => {
    const used = new Set(keysUsed());
    expect(Object.keys(TEXTS.tr).filter((k) => !used.has(k))).toEqual([]);
  });
});
