import { describe, expect, it } from 'vitest';
import { DEFAULT_VAT_POINTERS, parseVatTable, vatPointerOf, vatRateOf } from '../mikro/vat.js';
import { keepLast } from './batch.js';
import { planCategories } from './categories.js';
import { deletionRefusal, planDeletions } from './deletions.js';
import { mapAccountMovement, mapStockMovement, movementAccountCode, movementKind, movementLabel } from './movements.js';
import { mapOnHand } from './on-hand.js';
import { nextNumberPatch, numberNeeds } from './numbers.js';
import { mapBanks, mapAccount, mapDepots } from './accounts.js';
import { mapBarcode, mapPrice, mapPrices } from './barcodes-prices.js';
import { classifyMovementCodes, planPriceMappings } from './repairs.js';
import { brandLookup, mapStock, type ErpStock } from './stocks.js';
import { erpDateOrNull, erpTimestampOrNull, erpTimestampText, intDateOrNull, leadingInt, roundHalfAway, turkishUpper } from './values.js';

describe('Mikro values', () => {
  it('reads datetimes from both targets as naive local text, and 18991230 as NULL', () => {
    expect(erpTimestampText('2025-01-01 10:00:00.12')).toBe('2025-01-01 10:00:00.120');
    expect(erpTimestampText('2025-01-01 10:00:00')).toBe('2025-01-01 10:00:00.000');
    expect(erpTimestampText(new Date(Date.UTC(2025, 0, 1, 10, 0, 0, 7)))).toBe('2025-01-01 10:00:00.007'); // mssql: UTC fields = local
    expect(erpTimestampOrNull('1899-12-30 00:00:00')).toBeNull();
    expect(erpTimestampOrNull('18991230')).toBeNull();
    expect(erpTimestampOrNull(new Date(Date.UTC(1899, 11, 30)))).toBeNull();
    expect(erpDateOrNull('2025-03-10 00:00:00')).toBe('2025-03-10');
    expect(intDateOrNull(20250415)).toBe('2025-04-15');
    expect(intDateOrNull(0)).toBeNull();
    expect(intDateOrNull(18991230)).toBeNull();
    expect(intDateOrNull(20250231)).toBeNull();
  });

  it('upper-cases brand names the Turkish way (i -> İ, ı -> I)', () => {
    expect(turkishUpper(' istanbul ')).toBe('İSTANBUL');
    expect(turkishUpper('ışık')).toBe('IŞIK');
    expect('istanbul'.toUpperCase()).not.toBe(turkishUpper('istanbul')); // the original's bug
  });

  it('takes the leading integer of a box quantity and rounds half away from zero', () => {
    expect(leadingInt('144/12')).toBe(144);
    expect(leadingInt(' 12 adet')).toBe(12);
    expect(leadingInt('x')).toBe(0);
    expect(leadingInt('')).toBe(0);
    expect(leadingInt('99999999999')).toBe(0);
    expect(roundHalfAway(2.5)).toBe(3);
    expect(roundHalfAway(-2.5)).toBe(-3);
    expect(roundHalfAway(-2.4)).toBe(-2);
  });
});

describe('de-duplication on the web key', () => {
  it('keeps the last row in read order, i.e. the greatest (lastup_date, RECno)', () => {
    const r = keepLast([{ k: 'a', v: 1 }, { k: 'b', v: 2 }, { k: 'a', v: 3 }], (x) => x.k);
    expect(r).toEqual({ rows: [{ k: 'b', v: 2 }, { k: 'a', v: 3 }], duplicates: 1 });
  });

  it('merges prices whose codes are equal after trimming; refuses other depots and payment plans', () => {
    const base = { sfiyat_listesirano: 1, sfiyat_deposirano: 0, sfiyat_odemeplan: 0 };
    const m = mapPrices([
      { ...base, sfiyat_RECno: 1, sfiyat_stokkod: 'A', sfiyat_fiyati: 5 },
      { ...base, sfiyat_RECno: 2, sfiyat_stokkod: 'A ', sfiyat_fiyati: 6 },
      { ...base, sfiyat_RECno: 3, sfiyat_stokkod: 'A', sfiyat_fiyati: 7, sfiyat_deposirano: 2 },
    ]);
    expect(m.rows).toEqual([{ stok_kodu: 'A', liste_no: 1, fiyat: 6, erp_recno: 2 }]);
    expect(m.duplicates).toBe(1);
    expect(m.rejected).toEqual([{ key: 'STOK_SATIS_FIYAT_LISTELERI sfiyat_RECno 3', reason: expect.stringContaining('depot or payment plan') }]);
    expect(mapPrice({ ...base, sfiyat_RECno: 4, sfiyat_stokkod: '', sfiyat_fiyati: 1 })).toHaveProperty('rejected');
  });
});

describe('stocks and barcodes', () => {
  const erp: ErpStock = {
    sto_RECno: 1,
    sto_kod: ' S1 ',
    sto_isim: 'Ürün',
    sto_yabanci_isim: ' Catalog ',
    sto_birim1_ad: '',
    sto_standartmaliyet: null,
    sto_sektor_kodu: null,
    sto_reyon_kodu: 'R1',
    sto_ambalaj_kodu: '',
    sto_kalkon_kodu: '144/12',
    sto_marka_kodu: 'istanbul',
    sto_altgrup_kod: 'ALT9',
    sto_anagrup_kod: 'AG1',
    sto_pasif_fl: true,
    sto_create_date: '1899-12-30 00:00:00',
  };
  const lookups = { subCategories: new Map([['ALT1', 'sub-1']]), mainCategories: new Map([['AG1', 'main-1']]), brands: brandLookup([{ id: 'b1', marka_adi: 'İstanbul' }]) };

  it('maps every column of spec 2.4 (unknown sub group -> main group, passive -> inactive)', () => {
    expect(mapStock(erp, lookups)).toEqual({
      row: {
        stok_kodu: 'S1',
        stok_adi: 'Ürün',
        birim_turu: 'Adet',
        alis_fiyati: 0,
        olcu: '',
        raf_kodu: 'R1',
        ambalaj: '',
        koliadeti: 144,
        katalog_ismi: 'Catalog',
        kategori_id: 'main-1',
        marka_id: 'b1',
        aktif: false,
        olusturma_tarihi: null,
      },
    });
    expect(mapStock({ ...erp, sto_kod: '' }, lookups)).toHaveProperty('rejected');
  });

  it('maps barcode types 1/2/3 and anything else to ana; cancelled = inactive', () => {
    const b = (t: number, iptal = 0) => mapBarcode({ bar_RECno: 5, bar_kodu: ' 869 ', bar_stokkodu: 'S1', bar_barkodtipi: t, bar_iptal: iptal });
    expect(b(1)).toEqual({ row: { barkod: '869', stok_kodu: 'S1', barkod_tipi: 'ana', aktif: true, erp_recno: 5 } });
    expect([b(0), b(2), b(3), b(9)].map((x) => ('row' in x ? x.row.barkod_tipi : ''))).toEqual(['ana', 'koli', 'palet', 'ana']);
    expect(b(1, 1)).toMatchObject({ row: { aktif: false } });
    expect(mapBarcode({ bar_RECno: 6, bar_kodu: 'x'.repeat(101), bar_stokkodu: 'S1', bar_barkodtipi: 0, bar_iptal: 0 })).toHaveProperty('rejected');
  });
});

describe('accounts, banks, depots', () => {
  it('joins the titles and maps the link type', () => {
    const a = mapAccount({ cari_RECno: 1, cari_kod: ' C1 ', cari_unvan1: ' Ada ', cari_unvan2: 'Ltd ', cari_CepTel: null, cari_EMail: ' a@b ', cari_vdaire_adi: 'X', cari_vdaire_no: ' 1 ', cari_baglanti_tipi: 1 });
    expect(a).toEqual({ row: { cari_kodu: 'C1', cari_adi: 'Ada Ltd', telefon: '', eposta: 'a@b', vergi_dairesi: 'X', vergi_no: '1', cari_tipi: 'Tedarikçi' } });
  });

  it('makes a bank name that repeats within the batch unique; cuts a depot name to 100', () => {
    const bank = (code: string) => ({ ban_RECno: 1, ban_kod: code, ban_ismi: 'GARANTİ', ban_sube: '', ban_hesapno: '', ban_create_date: '', ban_lastup_date: '' });
    expect(mapBanks([bank('01'), bank('02')]).rows.map((b) => b.banka_adi)).toEqual(['GARANTİ', 'GARANTİ (02)']);
    const d = mapDepots([{ dep_RECno: 1, dep_no: 1, dep_adi: 'x'.repeat(120), dep_create_date: '', dep_lastup_date: '' }]);
    expect(d.rows[0]!.depo_adi).toHaveLength(100);
  });
});

describe('account movement labels (spec 2.9, rule 16)', () => {
  it.each([
    [1, 1, 0, 0, 'Tahsilat - Nakit'],
    [1, 1, 1, 0, 'Tahsilat - Çek'],
    [1, 1, 2, 0, 'Tahsilat - Senet'],
    [1, 1, 17, 0, 'Tahsilat - Havale'],
    [1, 1, 19, 0, 'Tahsilat - Kredi Kartı'],
    [1, 1, 5, 0, 'Tahsilat'],
    [64, 0, 0, 0, 'Tediye - Nakit'],
    [64, 0, 1, 0, 'Tediye - Müşteri Çeki'],
    [64, 0, 3, 0, 'Tediye - Firma Çeki'],
    [64, 0, 4, 0, 'Tediye - Firma Senedi'],
    [64, 0, 20, 0, 'Tediye - Havale'],
    [64, 0, 22, 0, 'Tediye - Kredi Kartı'],
    [64, 0, 9, 0, 'Tediye'],
    [63, 0, 6, 0, 'Satış'],
    [63, 0, 6, 1, 'Satış İade'],
    [0, 1, 6, 0, 'Alış'],
    [0, 1, 6, 1, 'İade'],
    [5, 0, 0, 0, 'Satış'],
    [5, 2, 0, 0, 'Alış'],
  ])('evrak %i tip %i cinsi %i iade %i -> %s', (evrak, tip, cinsi, iade, label) => {
    expect(movementLabel(evrak, tip, cinsi, iade)).toBe(label);
  });

  it('derives hareket_turu from the label, else from how the invoice is closed', () => {
    expect(movementKind('Tediye - Havale', 0, 0)).toBe('Havale');
    expect(movementKind('Satış', 0, 0)).toBe('Açık Hesap');
    expect(movementKind('Satış', 1, 4)).toBe('Kasadan K.');
    expect(movementKind('Satış', 1, 2)).toBe('Bankadan K.');
    expect(movementKind('Satış', 1, 0)).toBe('Kasadan K.');
  });

  it('resolves a cash/bank code through the ciro account code, never to a placeholder', () => {
    const special = new Set(['001', '01']);
    expect(movementAccountCode('C1', '', special)).toBe('C1');
    expect(movementAccountCode('001', 'SERHAN', special)).toBe('SERHAN');
    expect(movementAccountCode('001', '', special)).toBeUndefined();
    const row = { cha_RECno: 3, cha_kod: '01', cha_ciro_cari_kodu: 'SERHAN', cha_cari_cins: 2, cha_tpoz: 1, cha_evrak_tip: 63, cha_tip: 0, cha_cinsi: 6, cha_evrakno_seri: 'ST', cha_evrakno_sira: 59, cha_vade: 0 };
    expect(mapAccountMovement(row as never, special)).toMatchObject({ row: { cari_kodu: 'SERHAN', banka_kodu: '01', kasa_kodu: null, belge_no: 'ST59', hareket_turu: 'Bankadan K.', vade_tarihi: null } });
  });
});

describe('stock movements and the shared VAT table (rule 8)', () => {
  it('maps pointers 0..6 to the rates of spec 2.10 and back', () => {
    expect([0, 1, 2, 3, 4, 5, 6, 99].map((p) => vatRateOf(p, DEFAULT_VAT_POINTERS))).toEqual([0, 0, 1, 10, 20, 26, 0, 0]);
    expect(vatPointerOf(20)).toBe(4);
    const custom = parseVatTable('0:1,8:2,18:3');
    expect(mapStockMovement({ sth_RECno: 1, sth_stok_kod: 'S1', sth_miktar: 2.5, sth_vergi_pntr: 3, sth_tip: 0, sth_cins: 10 } as never, custom)).toMatchObject({
      row: { kdv_orani: 18, miktar: 3, hareket_tipi: 'giris', belge_tipi: 'sayim' },
      fractional: 2.5,
    });
  });
});

describe('categories (spec 2.3)', () => {
  it('rejects loops, self references and orphans; keeps sub groups of existing main groups', () => {
    const p = planCategories(
      [{ san_kod: 'A', san_isim: 'Ana' }],
      [
        { sta_kod: 'A1', sta_isim: 'Alt', sta_ana_grup_kod: 'A' },
        { sta_kod: 'L1', sta_isim: '', sta_ana_grup_kod: 'L2' },
        { sta_kod: 'L2', sta_isim: '', sta_ana_grup_kod: 'L1' },
        { sta_kod: 'S', sta_isim: '', sta_ana_grup_kod: 'S' },
        { sta_kod: 'O', sta_isim: '', sta_ana_grup_kod: 'X' },
      ],
    );
    expect(p.main).toEqual([{ level: 0, erp_id: 'A', kategori_adi: 'Ana', parent_erp_id: null }]);
    expect(p.sub).toEqual([{ level: 1, erp_id: 'A1', kategori_adi: 'Alt', parent_erp_id: 'A' }]);
    expect(p.rejected.map((r) => [r.key, r.reason.split(':')[0]])).toEqual([
      ['STOK_ALT_GRUPLARI L1', 'category loop'],
      ['STOK_ALT_GRUPLARI L2', 'category loop'],
      ['STOK_ALT_GRUPLARI S', 'category loop'],
      ['STOK_ALT_GRUPLARI O', 'main group X does not exist (yet)'],
    ]);
  });
});

describe('stock on hand', () => {
  it('sums codes equal after trimming, zeroes codes the view no longer lists', () => {
    expect(mapOnHand([{ sth_stok_kod: 'A', sth_eldeki_miktar: 1.25 }, { sth_stok_kod: 'A ', sth_eldeki_miktar: 1.25 }], ['A', 'B'])).toEqual([
      { stok_kodu: 'A', sth_eldeki_miktar: 2.5, eldeki_miktar: 3 },
      { stok_kodu: 'B', sth_eldeki_miktar: 0, eldeki_miktar: 0 },
    ]);
  });
});

describe('deletions', () => {
  it('turns log rows into web actions; prices only for depot 0 / plan 0', () => {
    const row = (t: string, recno: number, code = '', list = 0, depot = 0) => ({ dl_id: recno, dl_table: t, dl_recno: recno, dl_code: code, dl_list_no: list, dl_depot: depot, dl_plan: 0 });
    const p = planDeletions([row('STOKLAR', 1, 'S1'), row('STOK_SATIS_FIYAT_LISTELERI', 2, 'S|1', 1), row('STOK_SATIS_FIYAT_LISTELERI', 3, 'S1', 1, 2), row('STOK_HAREKETLERI', 4, 'S1'), row('X', 5)]);
    expect(p.stocks).toEqual(['S1']);
    expect(p.prices).toEqual([{ erp_recno: 2, stok_kodu: 'S|1', liste_no: 1 }]); // a '|' in a code is harmless: no record id to split
    expect(p.stockMovements).toEqual([4]);
    expect(p.onHandCodes).toEqual(['S1']);
  });

  it('refuses removing more than the share of a table, above the minimum count', () => {
    const g = { maxShare: 0.05, minRows: 10 };
    expect(deletionRefusal('T', 10, 20, g)).toBeUndefined();
    expect(deletionRefusal('T', 5, 1000, g)).toBeUndefined();
    expect(deletionRefusal('T', 50, 1000, g)).toBeUndefined();
    expect(deletionRefusal('T', 51, 1000, g)).toMatch(/T: 51 of 1000 web rows \(5\.1 %\)/);
    expect(deletionRefusal('T', 11, 0, g)).toMatch(/100\.0 %/);
  });
});

describe('document number settings (spec 2.13)', () => {
  it('follows the ERP maximum + 1 of configured series, never lowers a web number, skips empty series', () => {
    const row = { id: 'u1', fatura_seri_no: 'A', fatura_sira_no: 3, tahsilat_seri_no: 'T', tahsilat_sira_no: 90, tediye_seri_no: '', tediye_sira_no: null, sayim_sira_no: '2', alis_seri_no: 'AL', alis_sira_no: 1 };
    const needs = numberNeeds(row);
    expect(needs.map((n) => n.column)).toEqual(['fatura_sira_no', 'alis_sira_no', 'tahsilat_sira_no', 'sayim_sira_no']);
    const maxima = new Map([
      ['cha63/sth4/A', 10],
      ['cha0/sth3/AL', 0],
      ['cha1/T', 50],
      ['sayim', 7],
    ]);
    expect(nextNumberPatch(row, needs, maxima)).toEqual({ fatura_sira_no: 11, sayim_sira_no: '8' });
  });

  it('looks up marketplace series by their account code', () => {
    const needs = numberNeeds({ pazaryeri_trendyol_seri_no: 'TY', pazaryeri_trendyol_cari_kodu: '120.TY', pazaryeri_n11_seri_no: 'N', pazaryeri_n11_cari_kodu: '' });
    expect(needs).toEqual([{ column: 'pazaryeri_trendyol_sira_no', source: { kind: 'marketplace', series: 'TY', accountCode: '120.TY' } }]);
  });
});

describe('repairs', () => {
  it('maps price lists by sira_no, never by position; reports two definitions with one number', () => {
    const defs = [
      { id: 'd3', sira_no: 3, fiyat_adi: 'Bayi' },
      { id: 'd1', sira_no: 1, fiyat_adi: 'Ana' },
      { id: 'd2a', sira_no: 2, fiyat_adi: 'x' },
      { id: 'd2b', sira_no: 2, fiyat_adi: 'y' },
    ];
    const lists = [1, 2, 3, 4].map((listNo) => ({ listNo, name: `L${listNo}` }));
    expect(planPriceMappings(lists, defs, new Map([[1, 'd3']]))).toEqual([
      { kind: 'map', listNo: 1, definitionId: 'd1', replaces: 'd3' },
      { kind: 'ambiguous', listNo: 2, definitionIds: ['d2a', 'd2b'] },
      { kind: 'map', listNo: 3, definitionId: 'd3' },
      { kind: 'create-and-map', listNo: 4, name: 'L4' },
    ]);
  });

  it('classifies movement codes without ever treating cash/bank codes as accounts', () => {
    const counts = [
      { cha_kod: '001', cha_ciro_cari_kodu: '', n: 3095 },
      { cha_kod: '001', cha_ciro_cari_kodu: 'SERHAN', n: 4 },
      { cha_kod: 'LATE', cha_ciro_cari_kodu: '', n: 2 },
      { cha_kod: 'GHOST', cha_ciro_cari_kodu: '', n: 1 },
    ];
    const f = classifyMovementCodes(counts, new Set(['001']), new Set(['SERHAN', 'LATE']), new Set(['SERHAN']));
    expect(f).toEqual([
      { code: '001', movements: 3095, status: 'cash-or-bank-without-account' },
      { code: 'SERHAN', movements: 4, status: 'ok' },
      { code: 'LATE', movements: 2, status: 'missing-on-web' },
      { code: 'GHOST', movements: 1, status: 'unknown-in-erp' },
    ]);
  });
});
