/**
 * What each collection (tahsilat) and payment (tediye) kind is in Mikro (spec 3.3, 3.5, 3.6 and
 * the traces): evrak type, cinsi, the cash/bank/portfolio column, and the payment-order row.
 */
export type Direction = 'tahsilat' | 'tediye';

/** Where the money goes or comes from: a cash box, a bank, or a cheque/note portfolio. */
export type Counterpart = 'cash' | 'bank' | 'portfolio';

export interface KindInfo {
  direction: Direction;
  /** Web kind value as entered (tahsilat_tipi / tediye_tipi). */
  webKind: string;
  /** Our name of the Mikro kind, used in messages and in the bank group table. */
  name: string;
  evrakTip: 1 | 64;
  chaTip: 0 | 1;
  cinsi: number;
  kasaHizmet: 2 | 4;
  counterpart: Counterpart;
  /** Portfolio code written into cha_kasa_hizkod for cheques and notes. */
  portfolio?: 'ÇEK' | 'SENET' | 'VERILEN-SENET';
  sntckPoz: number;
  /** A new ODEME_EMIRLERI row: its sck_tip and refno prefix. */
  order?: { sckTip: number; prefix: string };
  /** The payment hands over an existing customer cheque (no new order row). */
  endorsesCheque?: boolean;
  /** cha_vade is the due date (cheques/notes) rather than the document date. */
  dueDated: boolean;
}

const T = (k: Omit<KindInfo, 'direction' | 'evrakTip' | 'chaTip'>): KindInfo => ({ ...k, direction: 'tahsilat', evrakTip: 1, chaTip: 1 });
const P = (k: Omit<KindInfo, 'direction' | 'evrakTip' | 'chaTip'>): KindInfo => ({ ...k, direction: 'tediye', evrakTip: 64, chaTip: 0 });

export const COLLECTION_KINDS: Record<string, KindInfo> = {
  nakit: T({ webKind: 'nakit', name: 'tahsilat_nakit', cinsi: 0, kasaHizmet: 4, counterpart: 'cash', sntckPoz: 0, dueDated: false }),
  cek: T({
    webKind: 'cek', name: 'tahsilat_cek', cinsi: 1, kasaHizmet: 4, counterpart: 'portfolio', portfolio: 'ÇEK', sntckPoz: 0,
    order: { sckTip: 0, prefix: 'MC' }, dueDated: true,
  }),
  senet: T({
    webKind: 'senet', name: 'tahsilat_senet', cinsi: 2, kasaHizmet: 4, counterpart: 'portfolio', portfolio: 'SENET', sntckPoz: 0,
    order: { sckTip: 1, prefix: 'MS' }, dueDated: true,
  }),
  havale: T({ webKind: 'havale', name: 'tahsilat_havale', cinsi: 17, kasaHizmet: 2, counterpart: 'bank', sntckPoz: 2, order: { sckTip: 4, prefix: 'MH' }, dueDated: false }),
  kredi_karti: T({
    webKind: 'kredi_karti', name: 'tahsilat_kredi_karti', cinsi: 19, kasaHizmet: 2, counterpart: 'bank', sntckPoz: 2,
    order: { sckTip: 6, prefix: 'MK' }, dueDated: false,
  }),
};

export const PAYMENT_KINDS: Record<string, KindInfo> = {
  nakit: P({ webKind: 'nakit', name: 'tediye_nakit', cinsi: 0, kasaHizmet: 4, counterpart: 'cash', sntckPoz: 0, dueDated: false }),
  /** Own company cheque drawn on a bank (the web row names the bank). */
  cek: P({ webKind: 'cek', name: 'tediye_cek', cinsi: 3, kasaHizmet: 2, counterpart: 'bank', sntckPoz: 1, order: { sckTip: 2, prefix: 'FC' }, dueDated: true }),
  /** A customer cheque from the portfolio handed on (the web row names no bank, only the cheque number). */
  musteri_ceki: P({
    webKind: 'cek', name: 'tediye_musteri_ceki', cinsi: 1, kasaHizmet: 4, counterpart: 'portfolio', portfolio: 'ÇEK', sntckPoz: 1,
    endorsesCheque: true, dueDated: true,
  }),
  senet: P({
    webKind: 'senet', name: 'tediye_senet', cinsi: 4, kasaHizmet: 4, counterpart: 'portfolio', portfolio: 'VERILEN-SENET', sntckPoz: 1,
    order: { sckTip: 3, prefix: 'FS' }, dueDated: true,
  }),
  havale: P({ webKind: 'havale', name: 'tediye_havale', cinsi: 20, kasaHizmet: 2, counterpart: 'bank', sntckPoz: 1, order: { sckTip: 7, prefix: 'FH' }, dueDated: false }),
  kredi_karti: P({
    webKind: 'kredi_karti', name: 'tediye_kredi_karti', cinsi: 22, kasaHizmet: 2, counterpart: 'bank', sntckPoz: 1,
    order: { sckTip: 9, prefix: 'FK' }, dueDated: false,
  }),
};
