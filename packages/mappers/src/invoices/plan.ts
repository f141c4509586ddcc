/**
 * InvoiceDoc -> the Mikro rows Mikro's own client writes (traces satis-*, alis-*; spec 3.2–3.4,
 * 3.8; rules 1, 2, 4, 5, 9). The writer inserts the header, sets its RECid (and cha_karsid_kur 1),
 * then inserts each line with sth_fat_recid_recno = header RECno and applies `afterInsert`.
 */
import { cut, mikroRow, type Stamp } from '../mikro/rows.js';
import type { InvoiceDoc } from './types.js';
import { invoiceKindOf } from './kinds.js';
import type { InvoicePlan } from '@mikrosync/core';

// Declared in core, at the connector/mapper seam; re-exported here while imports move there.
export type { InvoicePlan } from '@mikrosync/core';

export interface InvoiceRefs {
  series: string;
  number: number;
  /** cari_unvan1 of the account in the ERP (the description of a closed invoice). */
  accountTitle: string;
  depotNo: number;
  /** Upper-case GUID of the document (cha_uuid). */
  uuid: string;
  vatPointer: (rate: number) => number;
}

export function planInvoice(doc: InvoiceDoc, refs: InvoiceRefs, stamp: Stamp): InvoicePlan {
  const sales = doc.kind === 'sales';
  const kind = invoiceKindOf(doc);
  const closed = doc.closing !== 'open';
  const header = mikroRow('CARI_HESAP_HAREKETLERI', stamp, {
    cha_d_kur: 1,
    cha_altd_kur: 1,
    cha_karsid_kur: 0,
    cha_evrak_tip: kind.chaEvrakTip,
    cha_evrakno_seri: refs.series,
    cha_evrakno_sira: refs.number,
    cha_tarihi: doc.date,
    cha_belge_tarih: doc.date,
    cha_belge_no: doc.documentNo,
    cha_tip: kind.chaTip,
    cha_cinsi: 6,
    cha_normal_Iade: kind.normalIade,
    cha_tpoz: closed ? 1 : 0,
    cha_cari_cins: doc.closing === 'cash' ? 4 : doc.closing === 'bank' ? 2 : 0,
    cha_grupno: doc.closing === 'bank' ? 1 : 0,
    cha_kod: doc.closing === 'cash' ? doc.cashCode : doc.closing === 'bank' ? doc.bankCode : doc.accountCode,
    cha_ciro_cari_kodu: doc.accountCode,
    cha_aciklama: closed ? cut(refs.accountTitle, 50) : '',
    cha_meblag: doc.total,
    cha_aratoplam: Math.round(doc.lines.reduce((a, l) => a + l.gross, 0) * 100) / 100,
    cha_ft_iskonto1: doc.headerDiscounts[0],
    cha_ft_iskonto2: doc.headerDiscounts[1],
    cha_ft_iskonto3: doc.headerDiscounts[2],
    cha_ft_iskonto4: doc.headerDiscounts[3],
    cha_ft_iskonto5: doc.headerDiscounts[4],
    cha_ft_iskonto6: doc.headerDiscounts[5],
    cha_vade: 0,
    cha_uuid: refs.uuid,
  });
  const isk: Record<string, number> = {};
  for (let i = 2; i <= 10; i++) isk[`sth_isk_mas${i}`] = 1;
  const lines = doc.lines.map((l, i) => {
    const insert = mikroRow('STOK_HAREKETLERI', stamp, {
      ...isk,
      sth_tarih: doc.date,
      sth_belge_tarih: doc.date,
      sth_malkbl_sevk_tarihi: doc.date,
      sth_tip: kind.sthTip,
      sth_cins: 0,
      sth_normal_iade: kind.normalIade,
      sth_evraktip: kind.sthEvrakTip,
      sth_evrakno_seri: refs.series,
      sth_evrakno_sira: refs.number,
      sth_satirno: i,
      sth_belge_no: doc.documentNo,
      sth_stok_kod: l.stockCode,
      sth_cari_kodu: doc.accountCode,
      sth_har_doviz_kuru: 1,
      sth_alt_doviz_kuru: 1,
      sth_stok_doviz_kuru: 1,
      sth_miktar: l.quantity,
      sth_miktar2: l.quantity,
      sth_birim_pntr: 1,
      sth_tutar: l.gross,
      sth_iskonto1: l.discounts[0],
      sth_iskonto2: l.discounts[1],
      sth_iskonto3: l.discounts[2],
      sth_iskonto4: l.discounts[3],
      sth_iskonto5: l.discounts[4],
      sth_iskonto6: l.discounts[5],
      sth_vergi_pntr: refs.vatPointer(l.vatRate),
      sth_vergi: l.vatAmount,
      sth_aciklama: cut(l.notes, 255),
      sth_giris_depo_no: refs.depotNo,
      sth_cikis_depo_no: refs.depotNo,
      sth_adres_no: 1,
      sth_fiyat_liste_no: kind.priceList,
    });
    // A normal purchase records the unit cost after the insert, as the client does.
    const afterInsert: Record<string, number> =
      !sales && !doc.isReturn ? { sth_maliyet_ana: l.unitPrice, sth_maliyet_alternatif: l.unitPrice, sth_maliyet_orjinal: l.unitPrice } : {};
    return { insert, afterInsert };
  });
  return { header: { insert: header, afterInsert: { cha_karsid_kur: 1 } }, lines };
}
