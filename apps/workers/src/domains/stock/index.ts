/** The stock domain (web -> Mikro): stock cards, barcodes, prices, counts and transfers, web-made accounts. */
import type { DomainModule } from '../../jobs/types.js';
import { processBarcode } from './barcodes.js';
import { processStockCard } from './cards.js';
import { processCustomer } from './customers.js';
import { processMovement } from './movements.js';
import { processPrice } from './prices.js';

export const stock: DomainModule = {
  domains: ['stock'],
  records: {
    stoklar: processStockCard,
    urun_barkodlari: processBarcode,
    urun_fiyat_listeleri: processPrice,
    stok_hareketleri: { process: processMovement, outboxWithDocument: true },
    cari_hesaplar: processCustomer,
  },
};
