/** Stock domain (web -> Mikro): cards, barcodes, prices, counts and transfers, web-made customers. */
import { defineDomain } from './manifest.js';

export const stock = defineDomain({
  name: 'stock',
  label: { tr: "Stok ve cariler Mikro'ya", en: 'Stock and accounts to Mikro' },
  needs: ['erp', 'web'],
  captures: [{ table: 'stoklar' }, { table: 'urun_barkodlari' }, { table: 'urun_fiyat_listeleri' }, { table: 'stok_hareketleri' }, { table: 'cari_hesaplar' }],
  tasks: [],
});
