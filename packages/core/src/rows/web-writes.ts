/** Rows as the mappers build them for the web database and the web connector writes them. */

/** The `xmlurunler` row of an item (spec §2.3): images as the full list plus images1..9 in SQL. */
export interface XmlurunlerRow {
  product_id: number;
  product_code: string;
  name: string;
  brand: string;
  alt_baslik: string;
  alt_baslik2: string;
  barcode: string | null;
  raf_numarasi: string;
  mensei: string;
  grup_kod: string;
  ana_grup_kod: string;
  /** `xmlurunler.stock` is an integer column: the on-hand quantity rounded to a whole number. */
  stock: number;
  price: string;
  Price2: string;
  Pricebayi: string;
  images: string[];
}
