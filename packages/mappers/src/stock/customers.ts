/**
 * Web-made account (`cari_hesaplar`, kaynak NULL or 'web') -> Mikro `CARI_HESAPLAR` (spec 3.12,
 * rule 23; trace `yeni-musteri-ekleme`). The full traced column set, no address columns (those
 * live in CARI_HESAP_ADRESLERI, never traced). Accounts that came from the ERP are never written.
 */
import { PermanentError, says, type RecordRef } from '@mikrosync/core';
import { checkedCode, cut, mikroRow, type Stamp } from '../mikro/rows.js';
import type { MikroRow } from '../mikro/column-types.js';
import { checkedDefaults } from './cards.js';
import { webText, type CardField, type FieldValue } from './fields.js';

export interface WebCustomer {
  id: string;
  cari_kodu: string | null;
  cari_adi: string | null;
  cari_tipi?: string | null;
  vergi_dairesi?: string | null;
  vergi_no?: string | null;
  tc_no?: string | null;
  telefon?: string | null;
  cep_telefon?: string | null;
  eposta?: string | null;
  web_sitesi?: string | null;
  kaynak?: string | null;
  [column: string]: unknown;
}

/** New-account defaults of Mikro's own client (`yeni-musteri-ekleme`); everything else 0 / '' / '18991230'. */
export const CUSTOMER_TRACE_DEFAULTS: Record<string, FieldValue> = {
  cari_doviz_cinsi1: 255,
  cari_doviz_cinsi2: 255,
  cari_vade_fark_yuz: 25,
  cari_KurHesapSekli: 1,
  cari_satis_fk: 1,
  cari_fatura_adres_no: 1,
  cari_sevk_adres_no: 1,
  cari_EftHesapNum: 1,
  cari_TeminatMekAlacakMuhKodu: '910',
  cari_TeminatMekBorcMuhKodu: '912',
  cari_VerilenDepozitoTeminatMuhKodu: '226',
  cari_AlinanDepozitoTeminatMuhKodu: '326',
};

export const ACCOUNT_CODE_WIDTH = 25;

/** Whether the web row is one the web made (the ERP -> Web sync marks its rows kaynak = 'erp'). */
export function isWebCustomer(row: { kaynak?: string | null }): boolean {
  const k = (row.kaynak ?? '').trim().toLowerCase();
  return k === '' || k === 'web';
}

/** Q27: 'Tedarikçi' (supplier) -> 1, anything else -> 0; both spellings of the web are accepted. */
export function connectionType(cariTipi: string | null | undefined): number {
  const t = (cariTipi ?? '').trim().toLocaleLowerCase('tr-TR');
  return t === 'tedarikçi' || t === 'tedarikci' ? 1 : 0;
}

export function accountCode(row: WebCustomer, record: RecordRef): string {
  const code = checkedCode(row.cari_kodu, ACCOUNT_CODE_WIDTH, 'account code', record);
  if (!code) {
    throw new PermanentError(`${record.table} ${record.id}: account${row.cari_adi ? ` "${row.cari_adi}"` : ''} has no account code (cari_kodu).`, {
      record,
      fix: 'give the account its Mikro code (cari_kodu) on the web, then save it again',
      says: says('err.noAccountCode', { name: row.cari_adi ?? '' }),
    });
  }
  return code;
}

const plain = (name: string, web: (r: WebCustomer) => unknown, column: string): CardField<WebCustomer> => ({
  name,
  empty: '',
  web: (r) => webText(web(r)) || null,
  erpView: (e) => webText(e[column]) ?? '',
  toErp: (v) => ({ [column]: String(v) }),
});

/** The CARI_HESAPLAR fields a web account owns (the original's update list plus the web site). */
export const CUSTOMER_FIELDS: CardField<WebCustomer>[] = [
  {
    name: 'title',
    empty: '',
    web: (r) => webText(r.cari_adi),
    erpView: (e) => `${webText(e.cari_unvan1) ?? ''} ${webText(e.cari_unvan2) ?? ''}`.trim(),
    // First 50 characters, then the next 50 (the original's split).
    toErp: (v) => ({ cari_unvan1: cut(String(v), 50), cari_unvan2: cut([...String(v)].slice(50).join(''), 50) }),
  },
  {
    name: 'kind',
    empty: 0,
    web: (r) => (r.cari_tipi === null || r.cari_tipi === undefined ? null : connectionType(r.cari_tipi)),
    erpView: (e) => (Number(e.cari_baglanti_tipi) === 1 ? 1 : 0),
    toErp: (v) => ({ cari_baglanti_tipi: Number(v) }),
  },
  plain('taxOffice', (r) => r.vergi_dairesi, 'cari_vdaire_adi'),
  plain('taxNumber', (r) => webText(r.vergi_no) || webText(r.tc_no), 'cari_vdaire_no'),
  plain('web', (r) => r.web_sitesi, 'cari_wwwadresi'),
  plain('email', (r) => r.eposta, 'cari_EMail'),
  plain('mobile', (r) => webText(r.telefon) || webText(r.cep_telefon), 'cari_CepTel'),
];

export function newCustomerRow(code: string, fieldValues: Record<string, FieldValue>, defaults: Record<string, FieldValue>, stamp: Stamp): MikroRow {
  return mikroRow('CARI_HESAPLAR', stamp, {
    ...CUSTOMER_TRACE_DEFAULTS,
    ...checkedDefaults('CARI_HESAPLAR', defaults, 'CUSTOMER_CARD_DEFAULTS'),
    cari_kod: code,
    ...fieldValues,
  });
}

/** An account edit: the last-update stamp, then the edited columns. */
export function customerUpdate(set: Record<string, FieldValue>, stamp: Stamp): Record<string, FieldValue> {
  return { cari_lastup_date: stamp.now, ...set };
}
