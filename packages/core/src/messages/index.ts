/**
 * Operator-facing texts: a key with parameters, rendered in the reader's language. Errors carry
 * the key (`says`) next to their English message; logs keep the English, the page renders the key.
 */
import { en } from './en.js';
import { tr } from './tr.js';
import { LANGUAGES, MESSAGE_PARAMS, type Lang, type MessageKey, type MessageParams, type MessageTexts } from './keys.js';

export { en, tr, LANGUAGES, MESSAGE_PARAMS, type Lang, type MessageKey, type MessageParams, type MessageTexts };

export const TEXTS: Record<Lang, MessageTexts> = { en, tr };

/** What an error says, as a key and its parameters (serialisable: dead letters store it). */
export interface Says {
  key: MessageKey;
  params: Record<string, string | number>;
}

/** A typed `Says`: the parameters of the key are checked where the error is raised. */
export function says<K extends MessageKey>(key: K, ...params: keyof MessageParams<K> extends never ? [] : [MessageParams<K>]): Says {
  return { key, params: (params[0] ?? {}) as Record<string, string | number> };
}

export function isMessageKey(key: unknown): key is MessageKey {
  return typeof key === 'string' && Object.hasOwn(MESSAGE_PARAMS, key);
}

export function langOf(value: unknown): Lang {
  return value === 'en' ? 'en' : 'tr';
}

/** The `{name}` parameters a text uses. */
export function placeholdersOf(text: string): string[] {
  return [...text.matchAll(/\{([A-Za-z0-9_]+)\}/g)].map((m) => m[1]!);
}

/** The text of a key in a language; a parameter without a value stays visible as `{name}`. */
export function t<K extends MessageKey>(lang: Lang, key: K, ...params: keyof MessageParams<K> extends never ? [] : [MessageParams<K>]): string {
  return fill(TEXTS[lang][key], (params[0] ?? {}) as Record<string, string | number>);
}

/** Renders a stored `Says` (its key checked at run time: it may come from an older version). */
export function render(lang: Lang, s: { key: string; params?: Record<string, unknown> }): string | undefined {
  if (!isMessageKey(s.key)) return undefined;
  return fill(TEXTS[lang][s.key], (s.params ?? {}) as Record<string, unknown>);
}

/** The fix text of a reason key (`<key>.fix`), when the catalog has one. */
export function renderFix(lang: Lang, s: { key: string; params?: Record<string, unknown> }): string | undefined {
  return render(lang, { key: `${s.key}.fix`, params: s.params });
}

function fill(text: string, params: Record<string, unknown>): string {
  return text.replace(/\{([A-Za-z0-9_]+)\}/g, (all, name: string) => (params[name] === undefined || params[name] === null ? all : String(params[name])));
}

/** "10,00 TL" / "10.00 TL". */
export function formatAmount(value: number, lang: Lang): string {
  return `${new Intl.NumberFormat(lang === 'tr' ? 'tr-TR' : 'en-GB', { minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(value)} TL`;
}

/** "12.11.2025" / "12/11/2025", in the shop's time zone. */
export function formatDate(value: Date | string, lang: Lang, timeZone: string): string {
  const d = typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value) ? new Date(`${value}T12:00:00Z`) : new Date(value);
  return new Intl.DateTimeFormat(lang === 'tr' ? 'tr-TR' : 'en-GB', { timeZone, day: '2-digit', month: '2-digit', year: 'numeric' }).format(d);
}

/** "14:02" in the shop's time zone. */
export function formatClock(value: Date | string | number, timeZone: string): string {
  return new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hour12: false }).format(new Date(value));
}

/** "47 dk" / "47 min", "3 sa 5 dk" / "3 h 5 min", "2 gün" / "2 days". */
export function formatDuration(seconds: number, lang: Lang): string {
  const s = Math.max(0, Math.round(seconds));
  const u = lang === 'tr' ? { s: 'sn', m: 'dk', h: 'sa', d: 'gün', ds: 'gün' } : { s: 's', m: 'min', h: 'h', d: 'day', ds: 'days' };
  if (s < 60) return `${s} ${u.s}`;
  if (s < 3600) return `${Math.floor(s / 60)} ${u.m}`;
  if (s < 86_400) {
    const m = Math.floor((s % 3600) / 60);
    return `${Math.floor(s / 3600)} ${u.h}${m ? ` ${m} ${u.m}` : ''}`;
  }
  const d = Math.floor(s / 86_400);
  return `${d} ${d === 1 ? u.d : u.ds}`;
}
