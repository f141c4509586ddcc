/**
 * Second, pure step: the ERP rows of one collection or payment, exactly as Mikro's own client
 * writes them (traces tahsilat-*, tediye-*). The writer inserts `order.insert`, then
 * `header.insert`, then applies the follow-up updates, all in one ERP transaction.
 */
import { mikroDateInt, type CollectionPlan, type Updates } from '@mikrosync/core';
import { cut, mikroRow, type Stamp } from '../mikro/rows.js';
import type { ClassifiedCollection, WebCollection } from './classify.js';

// Declared in core, at the connector/mapper seam; re-exported here while imports move there.
export type { Updates, CollectionPlan } from '@mikrosync/core';

/** What the worker resolved from the web and the ERP before building rows. */
export interface CollectionRefs {
  account: { code: string; title: string; phone: string };
  /** Cash box code (cash kinds). */
  cashCode?: string;
  /** Bank code, display name (BANKALAR.ban_ismi) and group number (bank kinds). */
  bank?: { code: string; name: string; group: number };
  /** The customer cheque handed on by a payment (existing ODEME_EMIRLERI row). */
  endorsedCheque?: EndorsedCheque;
  /** Allocated document number and, for kinds with an order row, its refno. */
  series: string;
  number: number;
  refno?: string;
  /** Label written as debtor on the company's own cheques, notes and transfers. */
  companyLabel: string;
}

export interface EndorsedCheque {
  recno: number;
  refno: string;
  amount: number;
  dueDate: string;
  no: string;
  bankAddress: string;
  branch: string;
  accountOrCity: string;
}

const COLLECTION_TEXT_WIDTH = 40; // cha_aciklama of receipts (spec rule 11)

/**
 * A customer note's debtor address: our `borclu_adres` column, else `banka_adi`, the field the web
 * app's form fills (the original sent it as the address).
 */
function debtorAddress(row: WebCollection): string {
  return row.borclu_adres?.trim() || row.banka_adi?.trim() || '';
}

/** Mikro's cheque summary: '/no/bank/branch/account' (a note: '/no/address//city'). */
function chequeSummary(parts: string[]): string {
  return `/${parts.join('/')}`;
}

export function planCollection(c: ClassifiedCollection, row: WebCollection, refs: CollectionRefs, stamp: Stamp): CollectionPlan {
  const k = c.kind;
  const isPayment = k.direction === 'tediye';
  const counterCode =
    k.counterpart === 'cash' ? (refs.cashCode ?? '') : k.counterpart === 'bank' ? (refs.bank?.code ?? '') : (k.portfolio ?? '');
  const bankGroup = k.counterpart === 'bank' ? (refs.bank?.group ?? 0) : 0;

  let order: CollectionPlan['order'];
  let endorse: CollectionPlan['endorse'];
  let description = cut(row.aciklama, COLLECTION_TEXT_WIDTH);
  let trefno = '';
  let vade = mikroDateInt(c.dueDate);

  if (k.order) {
    const isNote = k.portfolio === 'SENET' || k.portfolio === 'VERILEN-SENET';
    // Only paper (cheques, notes) carries a number and bank/address texts on a customer's order row.
    const isPaper = k.counterpart === 'portfolio' || k.name === 'tediye_cek';
    const paperOfCustomer = !isPayment && isPaper;
    const text = {
      no: isPaper ? c.chequeNumber : '',
      // A customer cheque carries bank/branch/account; a customer note the debtor's address and city.
      adres1: isPayment
        ? k.counterpart === 'bank' ? cut(refs.bank?.name, 50) : ''
        : paperOfCustomer ? cut(isNote ? debtorAddress(row) : row.banka_adi, 50) : '',
      adres2: paperOfCustomer && !isNote ? cut(row.sube_adi, 50) : '',
      sehir: paperOfCustomer ? cut(isNote ? row.borclu_sehir : row.hesap_no, 20) : '',
    };
    const insert = mikroRow('ODEME_EMIRLERI', stamp, {
      sck_tip: k.order.sckTip,
      sck_refno: refs.refno ?? '',
      sck_bankano: isPayment && k.counterpart === 'bank' ? (refs.bank?.code ?? '') : '',
      sck_borclu: isPayment ? cut(refs.companyLabel, 50) : cut(refs.account.title, 50),
      sck_vdaire_no: isPayment ? '' : isNote ? cut(row.aciklama, 20) || ' ' : ' ',
      sck_vade: c.dueDate,
      sck_tutar: c.amount,
      sck_doviz_kur: 1,
      sck_banka_adres1: text.adres1,
      sck_sube_adres2: text.adres2,
      sck_borclu_tel: isPayment ? '' : cut(refs.account.phone, 20),
      sck_hesapno_sehir: text.sehir,
      sck_no: text.no,
      sck_duzen_tarih: isNote ? c.issueDate : '18991230',
      sck_kesideyeri: paperOfCustomer ? cut(row.keside_yeri, 20) : '',
    });
    const afterHeader: Updates = {
      sck_lastup_date: stamp.now,
      sck_ilk_hareket_tarihi: c.date,
      sck_ilk_evrak_seri: refs.series,
      sck_ilk_evrak_sira_no: refs.number,
      sck_son_hareket_tarihi: c.date,
    };
    if (isPayment) {
      // The company's own paper: owned by the bank (or the note portfolio), now at the paid account.
      Object.assign(afterHeader, {
        sck_sahip_cari_cins: k.counterpart === 'bank' ? 2 : 4,
        sck_sahip_cari_kodu: counterCode,
        sck_sahip_cari_grupno: bankGroup,
        sck_nerede_cari_kodu: refs.account.code,
        sck_sonpoz: 1,
      });
    } else {
      // A customer's paper: owned by the account, now in our portfolio or bank.
      Object.assign(afterHeader, {
        sck_sahip_cari_kodu: refs.account.code,
        sck_nerede_cari_cins: k.counterpart === 'bank' ? 2 : 4,
        sck_nerede_cari_kodu: counterCode,
        sck_nerede_cari_grupno: bankGroup,
        sck_sonpoz: k.counterpart === 'bank' ? 2 : 0,
      });
    }
    order = { insert, afterHeader };
    trefno = refs.refno ?? '';
    if (isPayment && isNote) description = chequeSummary([cut(refs.companyLabel, 50)]).concat('/');
    else if (isPaper) {
      description = cut(chequeSummary([text.no, text.adres1, text.adres2, text.sehir]), COLLECTION_TEXT_WIDTH);
    }
  }

  if (k.endorsesCheque && refs.endorsedCheque) {
    const ch = refs.endorsedCheque;
    endorse = {
      recno: ch.recno,
      update: {
        sck_lastup_date: stamp.now,
        sck_nerede_cari_cins: 0,
        sck_nerede_cari_kodu: refs.account.code,
        sck_son_hareket_tarihi: c.date,
        sck_sonpoz: 1,
      },
    };
    trefno = ch.refno;
    vade = mikroDateInt(ch.dueDate);
    description = cut(chequeSummary([ch.no, ch.bankAddress, ch.branch, ch.accountOrCity]), COLLECTION_TEXT_WIDTH);
  }

  const header = mikroRow('CARI_HESAP_HAREKETLERI', stamp, {
    cha_d_kur: 1,
    cha_altd_kur: 1,
    cha_karsid_kur: 1,
    cha_evrak_tip: k.evrakTip,
    cha_evrakno_seri: refs.series,
    cha_evrakno_sira: refs.number,
    cha_tarihi: c.date,
    cha_belge_tarih: c.date,
    cha_tip: k.chaTip,
    cha_cinsi: k.cinsi,
    cha_aciklama: description,
    cha_kod: refs.account.code,
    cha_kasa_hizmet: k.kasaHizmet,
    cha_kasa_hizkod: counterCode,
    cha_meblag: c.amount,
    cha_aratoplam: c.amount,
    cha_vade: vade,
    cha_trefno: trefno,
    cha_sntck_poz: k.sntckPoz,
  });
  const afterInsert: Updates = k.counterpart === 'bank' ? { cha_karsidgrupno: bankGroup } : {};
  return { record: c.record, ...(order ? { order } : {}), ...(endorse ? { endorse } : {}), header: { insert: header, afterInsert } };
}

/** Fields of the web row that define the posted document; a change to them after posting is an edit. */
export function collectionFingerprint(row: WebCollection): string {
  const pick = [
    row.cari_hesap_id, row.tahsilat_tarihi instanceof Date ? row.tahsilat_tarihi.toISOString() : row.tahsilat_tarihi,
    row.tahsilat_tipi, row.tediye_tipi, Number(row.tutar).toFixed(2), row.banka_id, row.kasa_id, row.cek_no,
    row.cek_vade_tarihi instanceof Date ? row.cek_vade_tarihi.toISOString() : row.cek_vade_tarihi, row.aciklama,
  ];
  return JSON.stringify(pick.map((v) => v ?? null));
}
