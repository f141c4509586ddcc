import { describe, expect, it } from 'vitest';
import { LANGUAGES, MESSAGE_PARAMS, TEXTS, placeholdersOf, render, renderFix, says, t, type MessageKey } from './index.js';

describe('message catalog', () => {
  const keys = Object.keys(MESSAGE_PARAMS) as MessageKey[];

  it('has a non-empty text in every language for every key, and no text without a key', () => {
    for (const lang of LANGUAGES) {
      const texts = TEXTS[lang] as Record<string, string>;
      const missing = keys.filter((k) => typeof texts[k] !== 'string' || texts[k].trim() === '');
      expect(missing, `${lang}: keys without a text`).toEqual([]);
      expect(Object.keys(texts).filter((k) => !(k in MESSAGE_PARAMS)), `${lang}: texts without a key`).toEqual([]);
    }
  });

  it('uses exactly the declared parameters, the same in every language (a fix may use its reason\'s)', () => {
    const wrong: string[] = [];
    const used = (lang: (typeof LANGUAGES)[number], k: string) => [...new Set(placeholdersOf((TEXTS[lang] as Record<string, string>)[k] ?? ''))].sort();
    for (const k of keys) {
      const reason = k.endsWith('.fix') ? k.slice(0, -4) : undefined;
      const allowed = new Set<string>([...MESSAGE_PARAMS[k], ...(reason && reason in MESSAGE_PARAMS ? MESSAGE_PARAMS[reason as MessageKey] : [])]);
      const [first, ...others] = LANGUAGES.map((lang) => used(lang, k));
      for (const [i, u] of others.entries()) if (JSON.stringify(u) !== JSON.stringify(first)) wrong.push(`${k}: ${LANGUAGES[i + 1]} uses {${u.join(',')}}, ${LANGUAGES[0]} {${first!.join(',')}}`);
      for (const p of first!) if (!allowed.has(p)) wrong.push(`${k}: uses {${p}}, not declared`);
      if (!reason) {
        const withFix = new Set([...first!, ...used('en', `${k}.fix`)]);
        for (const p of MESSAGE_PARAMS[k]) if (!withFix.has(p)) wrong.push(`${k}: declares {${p}}, no text uses it`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('gives every error reason a fix in both languages', () => {
    const reasons = keys.filter((k) => k.startsWith('err.') && !k.endsWith('.fix') && k !== 'err.untranslated.fix');
    expect(reasons.filter((k) => !(`${k}.fix` in MESSAGE_PARAMS))).toEqual([]);
  });

  it('renders parameters, and a stored unknown key as undefined (the caller shows the English message)', () => {
    const s = says('err.accountMissing', { name: 'ADA OYUNCAK' });
    expect(render('tr', s)).toBe('ADA OYUNCAK carisinin Mikro cari kodu yok.');
    expect(render('en', s)).toBe('account ADA OYUNCAK has no ERP account code.');
    expect(renderFix('tr', s)).toMatch(/Mikro carisini seçin/);
    expect(render('tr', { key: 'err.fromTheFuture', params: {} })).toBeUndefined();
    expect(t('tr', 'table.urun_fiyat_listeleri')).toBe('Fiyatlar');
    expect(t('tr', 'table.entegra_order')).toBe('Pazaryeri siparişleri');
    expect(t('tr', 'table.stoklar')).toBe('Stok kartları');
  });
});
