/** The stock domain (web -> Mikro): stock cards, barcodes, prices, counts and transfers, web-made accounts. */
import { registerRecordProcessor } from '../../processors.js';
import { processBarcode } from './barcodes.js';
import { processStockCard } from './cards.js';
import { processCustomer } from './customers.js';
import { processMovement } from './movements.js';
import { processPrice } from './prices.js';

registerRecordProcessor('stoklar', processStockCard);
registerRecordProcessor('urun_barkodlari', processBarcode);
registerRecordProcessor('urun_fiyat_listeleri', processPrice);
registerRecordProcessor('stok_hareketleri', processMovement, { outboxWithDocument: true });
registerRecordProcessor('cari_hesaplar', processCustomer);
