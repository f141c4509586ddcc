/** A stock card as the feed reads it from Mikro, for the feed's unit tests. */
import type { ErpFeedProductRow } from './feed-item.js';

export const card = (over: Partial<ErpFeedProductRow> = {}): ErpFeedProductRow => ({
  sto_RECno: 1,
  sto_kod: 'A1',
  sto_isim: 'Ürün',
  sto_marka_kodu: 'SUNMAN',
  sto_kisa_ismi: '',
  sto_yer_kod: 'U-C1',
  sto_sektor_kodu: '23 cm',
  sto_ambalaj_kodu: 'Kartela',
  sto_altgrup_kod: 'O-69',
  sto_anagrup_kod: 'OYN',
  barcode: '8690000000001',
  stock: 5,
  price1: 10,
  price2: 20,
  price3: 9,
  ...over,
});
