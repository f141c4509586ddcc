import { describe, expect, it } from 'vitest';
import { PermanentError } from '@mikrosync/core';
import { MIKRO_COLUMNS } from '../mikro/columns.generated.js';
import { barcodeType, barcodeUpdate, normalizeBarcode } from './barcodes.js';
import { columnDefaultsProblems, newStockCardRow, PRICE_FIELD, stockCardFields, stockUnit, type WebStockCard } from './cards.js';
import { connectionType, CUSTOMER_FIELDS, isWebCustomer, newCustomerRow, type WebCustomer } from './customers.js';
import { newCardValues, planFieldUpdate } from './fields.js';
import { classifyMovement, normalizeMovement, planSlip, type MovementOptions, type WebMovementRow } from './movements.js';

const stamp = { userNo: 1, now: '20260102 22:18:16.276' };
const record = { table: 't', id: 'r1' };
const opts = { units: ['Adet', 'Kg', 'Çift'], defaults: {} };
const card = (over: Partial<WebStockCard> = {}): WebStockCard => ({ id: 'c1', stok_kodu: 'X1', stok_adi: 'Ürün', birim_turu: 'Adet', satis_fiyati: '0.00', ...over });
const erpCard = { sto_kod: 'X1', sto_isim: 'Ürün', sto_yabanci_isim: '', sto_birim1_ad: '', sto_yer_kod: '', sto_reyon_kodu: '', sto_sektor_kodu: '', sto_ambalaj_kodu: '' };

describe('edited fields of a card', () => {
  const fields = stockCardFields(opts);
  it('without a ledger: only web values that differ from what the ERP -> Web sync shows are written', () => {
    // 'Adet' on the web is how the sync shows Mikro's empty unit: no change.
    expect(planFieldUpdate(fields, card(), erpCard, undefined).set).toEqual({});
    const plan = planFieldUpdate(fields, card({ stok_adi: 'Yeni ad', ambalaj: 'Poşetli' }), erpCard, undefined);
    expect(plan.set).toEqual({ sto_isim: 'Yeni ad', sto_ambalaj_kodu: 'Poşetli' });
    expect(plan.edited).toEqual(['name', 'packaging']);
  });
  it('without a ledger a web NULL never blanks a Mikro value', () => {
    expect(planFieldUpdate(fields, card({ katalog_ismi: null }), { ...erpCard, sto_yabanci_isim: 'Foreign' }, undefined).set).toEqual({});
  });
  it('with a ledger: a change against the value last sent is written, also a cleared one', () => {
    const sent = { name: 'Ürün', foreignName: 'Foreign', unit: 'Adet', shelf: '', size: '', packaging: '' };
    const plan = planFieldUpdate(fields, card({ katalog_ismi: null }), { ...erpCard, sto_yabanci_isim: 'Foreign' }, sent);
    expect(plan.set).toEqual({ sto_yabanci_isim: '' });
  });
  it('a value Mikro already holds is not written again', () => {
    const plan = planFieldUpdate(fields, card({ stok_adi: 'Mikro adı' }), { ...erpCard, sto_isim: 'Mikro adı' }, { name: 'Ürün' });
    expect(plan.set).toEqual({});
    expect(plan.sent.name).toBe('Mikro adı');
  });
  it('the shelf code goes into both shelf columns; codes longer than 20 are refused, names are cut to 50', () => {
    expect(planFieldUpdate(fields, card({ raf_kodu: 'A-1' }), erpCard, undefined).set).toEqual({ sto_yer_kod: 'A-1', sto_reyon_kodu: 'A-1' });
    expect(() => planFieldUpdate(fields, card({ raf_kodu: 'R'.repeat(21) }), erpCard, undefined)).toThrow(/shelf code \(raf_kodu\) "R{21}" is 21 characters; Mikro allows 20/);
    expect(planFieldUpdate(fields, card({ stok_adi: 'N'.repeat(60) }), erpCard, undefined).set.sto_isim).toBe('N'.repeat(50));
  });
  it('a web price of 0 does not zero a Mikro price of a card we never wrote', () => {
    expect(planFieldUpdate([PRICE_FIELD], card({ satis_fiyati: '0.00' }), { sfiyat_fiyati: 55 }, undefined).set).toEqual({});
    expect(planFieldUpdate([PRICE_FIELD], card({ satis_fiyati: '0.00' }), { sfiyat_fiyati: 55 }, { price1: 55 }).set).toEqual({ sfiyat_fiyati: 0 });
    expect(() => planFieldUpdate([PRICE_FIELD], card({ satis_fiyati: '-1' }), { sfiyat_fiyati: 55 }, undefined)).toThrow(PermanentError);
  });
});

describe('units', () => {
  it('are matched case-insensitively (Turkish) and written in Mikro spelling; empty stays empty', () => {
    expect(stockUnit('adet', opts.units, record)).toBe('Adet');
    expect(stockUnit('ÇİFT', opts.units, record)).toBe('Çift');
    expect(stockUnit('', opts.units, record)).toBe('');
    expect(() => stockUnit('Furlong', opts.units, record)).toThrow(/unit \(birim_turu\) "Furlong".*Adet, Kg, Çift.*STOCK_UNITS/);
  });
  it('a new card takes the traced defaults; configured defaults override them; unknown columns are refused', () => {
    const { values } = newCardValues(stockCardFields(opts), card());
    const row = newStockCardRow('X1', values, opts, stamp);
    expect(row).toMatchObject({ sto_kod: 'X1', sto_isim: 'Ürün', sto_birim1_ad: 'Adet', sto_perakende_vergi: 4, sto_otvbirimi: 1, sto_fileid: 13, sto_muh_kod: '153' });
    expect(newStockCardRow('X1', values, { ...opts, defaults: { sto_muh_kod: '153.01' } }, stamp).sto_muh_kod).toBe('153.01');
    expect(() => newStockCardRow('X1', values, { ...opts, defaults: { sto_nope: 1 } }, stamp)).toThrow(/STOCK_CARD_DEFAULTS: "sto_nope" is not a column of STOKLAR/);
    expect(() => newStockCardRow('X1', values, { ...opts, defaults: { sto_muh_kod: 153 } }, stamp)).toThrow(/expects a text/);
  });
});

describe('configured card defaults (checked at start-up)', () => {
  it('lists every problem: unknown or identity column, wrong type, text too long, a date not as Mikro writes it', () => {
    expect(columnDefaultsProblems('STOKLAR', { sto_muh_kod: '153.01', sto_perakende_vergi: 4 }, 'STOCK_CARD_DEFAULTS')).toEqual([]);
    const problems = columnDefaultsProblems(
      'STOKLAR',
      { sto_nope: 1, sto_RECno: 5, sto_muh_kod: 153, sto_perakende_vergi: '4', sto_kod: 'X'.repeat(26), sto_create_date: '31.01.2025' },
      'STOCK_CARD_DEFAULTS',
    );
    expect(problems).toEqual([
      'STOCK_CARD_DEFAULTS: "sto_nope" is not a column of STOKLAR that mikrosync writes.',
      'STOCK_CARD_DEFAULTS: "sto_RECno" is not a column of STOKLAR that mikrosync writes.',
      'STOCK_CARD_DEFAULTS: sto_muh_kod expects a text, got 153.',
      'STOCK_CARD_DEFAULTS: sto_perakende_vergi expects a number, got "4".',
      'STOCK_CARD_DEFAULTS: sto_kod holds at most 25 characters, got 26.',
      "STOCK_CARD_DEFAULTS: sto_create_date expects a date as Mikro writes it ('YYYYMMDD' or 'YYYYMMDD hh:mm:ss'), got \"31.01.2025\".",
    ]);
  });
});

describe('barcodes (rule 22)', () => {
  it('maps the web types', () => {
    expect(['ana', 'standart', 'koli', 'palet', 'KOLİ', null, 'other'].map(barcodeType)).toEqual([0, 0, 2, 3, 2, 0, 0]);
  });
  it('an inactive web barcode is cancelled; an empty or too long one is refused', () => {
    expect(normalizeBarcode({ id: 'b', stok_id: 's', barkod: ' 869 ', aktif: false }, record)).toEqual({ code: '869', type: 0, cancelled: 1 });
    expect(() => normalizeBarcode({ id: 'b', stok_id: 's', barkod: '' }, record)).toThrow(/barcode is empty/);
    expect(() => normalizeBarcode({ id: 'b', stok_id: 's', barkod: '8'.repeat(51) }, record)).toThrow(/51 characters; Mikro allows 50/);
  });
  it('an update writes only the changed columns and the stamp', () => {
    const b = { code: '869', type: 2, cancelled: 0 };
    expect(barcodeUpdate(b, 'S1', { bar_kodu: '869', bar_stokkodu: 'S1', bar_barkodtipi: 2, bar_iptal: 0 }, stamp)).toBeUndefined();
    expect(barcodeUpdate(b, 'S1', { bar_kodu: '869', bar_stokkodu: 'S1', bar_barkodtipi: 0, bar_iptal: 1 }, stamp)).toEqual({
      bar_lastup_user: 1,
      bar_lastup_date: stamp.now,
      bar_barkodtipi: 2,
      bar_iptal: 0,
    });
  });
});

describe('accounts (rule 23)', () => {
  const acc = (over: Partial<WebCustomer> = {}): WebCustomer => ({ id: 'a', cari_kodu: 'A1', cari_adi: 'Müşteri', ...over });
  it('only web-made accounts go to Mikro', () => {
    expect([null, 'web', 'WEB', 'erp', 'entegra'].map((kaynak) => isWebCustomer({ kaynak }))).toEqual([true, true, true, false, false]);
  });
  it('suppliers are connection type 1, both spellings', () => {
    expect(['Tedarikçi', 'Tedarikci', 'Müşteri', 'Musteri', null].map(connectionType)).toEqual([1, 1, 0, 0, 0]);
  });
  it('a long title continues in cari_unvan2; no address column is written', () => {
    const { values } = newCardValues(CUSTOMER_FIELDS, acc({ cari_adi: `${'A'.repeat(50)}${'B'.repeat(60)}`, adres: 'Cadde 1', il: 'İzmir' }));
    const row = newCustomerRow('A1', values, {}, stamp);
    expect(row.cari_unvan1).toBe('A'.repeat(50));
    expect(row.cari_unvan2).toBe('B'.repeat(50));
    // Exactly the client's 171 columns (spec: none of the original's cari_adres_* columns).
    expect(Object.keys(row).sort()).toEqual(MIKRO_COLUMNS.CARI_HESAPLAR.filter((c) => c.kind !== 'identity').map((c) => c.name).sort());
    expect(Object.keys(row)).toHaveLength(171);
    expect(row).not.toHaveProperty('cari_adres_sokak');
    expect(row).toMatchObject({ cari_fileid: 31, cari_vade_fark_yuz: 25, cari_doviz_cinsi1: 255, cari_TeminatMekAlacakMuhKodu: '910' });
  });
});

describe('stock movements', () => {
  const mo: MovementOptions = {
    timeZone: 'Europe/Istanbul',
    documentKinds: ['satis', 'alis', 'iade', 'fatura'],
    count: { depotNo: 1, series: '', expenseCode: 'SAYIM' },
    transfer: { kinds: ['transfer', 'depo_transfer'], series: 'DT', sthTip: 2, sthCins: 6, sthEvrakTip: 2 },
  };
  const mv = (over: Partial<WebMovementRow> = {}): WebMovementRow => ({
    id: 'm1', stok_id: 's1', hareket_tipi: 'cikis', miktar: 2, belge_tipi: 'sayim', islem_tarihi: new Date('2025-12-23T22:30:00Z'), ...over,
  });
  it('classifies counts, transfers, documents of other flows, and refuses the rest', () => {
    expect(classifyMovement(mv(), mo, record)).toEqual({ kind: 'count' });
    expect(classifyMovement(mv({ belge_tipi: 'Depo_Transfer' }), mo, record)).toEqual({ kind: 'transfer' });
    expect(classifyMovement(mv({ belge_tipi: 'satis' }), mo, record)).toEqual({ kind: 'document', belgeTipi: 'satis' });
    expect(() => classifyMovement(mv({ belge_tipi: 'manuel' }), mo, record)).toThrow(/"manuel" cannot be posted/);
  });
  it('dates a count in Turkish time (23:30 UTC+0 on the 23rd is the 24th)', () => {
    const line = normalizeMovement(mv({ fatura_sira_no: '7' }), { kind: 'count' }, mo, record);
    expect(line).toMatchObject({ date: '20251224', quantity: 2, tip: 1, fromDepot: 1, requestedNumber: 7, series: '' });
    expect(normalizeMovement(mv({ hareket_tipi: 'giris' }), { kind: 'count' }, mo, record).tip).toBe(0);
  });
  it('refuses negative and zero quantities, unknown directions, incomplete or circular transfers', () => {
    expect(() => normalizeMovement(mv({ miktar: -1 }), { kind: 'count' }, mo, record)).toThrow(/-1 is negative/);
    expect(() => normalizeMovement(mv({ miktar: 0 }), { kind: 'count' }, mo, record)).toThrow(/must be greater than 0/);
    expect(() => normalizeMovement(mv({ hareket_tipi: 'x' }), { kind: 'count' }, mo, record)).toThrow(/giris \(surplus\) or cikis/);
    expect(() => normalizeMovement(mv({ cikis_depo_no: 1 }), { kind: 'transfer' }, mo, record)).toThrow(/needs both depots/);
    expect(() => normalizeMovement(mv({ cikis_depo_no: 3, giris_depo_no: 3 }), { kind: 'transfer' }, mo, record)).toThrow(/same depot 3/);
  });
  it('plans a transfer as an inter-depot slip with the configured codes', () => {
    const line = normalizeMovement(mv({ belge_tipi: 'transfer', cikis_depo_no: 1, giris_depo_no: 2, birim_fiyat: '4.50' }), { kind: 'transfer' }, mo, record);
    const plan = planSlip(line, { stockCode: 'S', series: 'DT', number: 9, unitCost: 4.5, countEntryDepot: 0, noVatPointer: 1 }, mo, stamp);
    expect(plan.insert).toMatchObject({ sth_tip: 2, sth_cins: 6, sth_evraktip: 2, sth_evrakno_seri: 'DT', sth_evrakno_sira: 9, sth_giris_depo_no: 2, sth_cikis_depo_no: 1, sth_tutar: 9, sth_isemri_gider_kodu: '' });
    expect(plan.afterInsert).toEqual({});
  });
});
