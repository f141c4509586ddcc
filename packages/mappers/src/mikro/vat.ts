/**
 * VAT rate <-> Mikro VAT pointer (`sth_vergi_pntr`, `sto_perakende_vergi`), one table used in both
 * directions (spec rule 8, open question Q5). Default = the original's ERP->Web reverse map, which
 * matches the traces (rate 0 -> pointer 1 "YOK", a new stock's 20 % -> pointer 4). Shops whose Mikro
 * VAT definitions differ configure VAT_POINTERS, e.g. "0:1,1:2,10:3,20:4,26:5".
 */
export type VatTable = ReadonlyMap<number, number>;

export const DEFAULT_VAT_POINTERS: VatTable = new Map([
  [0, 1],
  [1, 2],
  [10, 3],
  [20, 4],
  [26, 5],
]);

/** Parses "rate:pointer,rate:pointer"; throws on a malformed entry. */
export function parseVatTable(text: string): VatTable {
  const table = new Map<number, number>();
  for (const part of text.split(',').map((p) => p.trim()).filter(Boolean)) {
    const m = /^(\d+(?:\.\d+)?):(\d+)$/.exec(part);
    if (!m) throw new Error(`"${part}" is not rate:pointer`);
    table.set(Number(m[1]), Number(m[2]));
  }
  return table;
}

/** Pointer of a rate; undefined when the rate is not in the table (the caller decides). */
export function vatPointerOf(rate: number, table: VatTable = DEFAULT_VAT_POINTERS): number | undefined {
  for (const [r, p] of table) if (Math.abs(r - rate) < 1e-9) return p;
  return undefined;
}

/** Rate of a pointer (ERP -> Web); pointer 0 and unknown pointers mean 0 %. */
export function vatRateOf(pointer: number, table: VatTable = DEFAULT_VAT_POINTERS): number {
  for (const [r, p] of table) if (p === pointer) return r;
  return 0;
}
