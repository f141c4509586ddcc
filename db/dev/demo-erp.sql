-- Demo master data in the Mikro stand-in: accounts, cash boxes, cheque/note portfolios, banks.
INSERT INTO "CARI_HESAPLAR" ("cari_kod", "cari_unvan1", "cari_CepTel") VALUES
  ('SERHAN', 'SERHAN KALAY', '05XXXXXXXXX'),
  ('ADA', 'ADA OYUNCAK TOPTAN', '05320000000'),
  ('TEDARIK01', 'İSTANBUL OYUNCAK SANAYİ', '02120000000');
INSERT INTO "KASALAR" ("kas_kod", "kas_isim") VALUES ('001', 'MERKEZ KASA'), ('ÇEK', 'ÇEK PORTFÖYÜ'), ('SENET', 'SENET PORTFÖYÜ'), ('VERILEN-SENET', 'VERİLEN SENETLER');
INSERT INTO "BANKALAR" ("ban_kod", "ban_ismi") VALUES ('01', 'GARANTİ - KK'), ('08', 'İŞ BANKASI'), ('09', 'YAPIKREDİ - KK'), ('10', 'ENPARA - A');

-- A small catalog for the ERP -> Web flow, the stock XML feed and the demo invoices.
INSERT INTO "DEPOLAR" ("dep_no", "dep_adi") VALUES (1, 'MERKEZ DEPO');
INSERT INTO "STOK_ANA_GRUPLARI" ("san_kod", "san_isim") VALUES ('OYN', 'OYUNCAK'), ('KRT', 'KIRTASİYE');
INSERT INTO "STOK_ALT_GRUPLARI" ("sta_kod", "sta_isim", "sta_ana_grup_kod") VALUES ('OYN-PLS', 'PELUŞ', 'OYN'), ('OYN-YAP', 'YAPBOZ', 'OYN'), ('KRT-DFT', 'DEFTER', 'KRT');
INSERT INTO "STOKLAR" ("sto_kod", "sto_isim", "sto_birim1_ad", "sto_anagrup_kod", "sto_altgrup_kod", "sto_marka_kodu", "sto_reyon_kodu", "sto_create_date", "sto_lastup_date") VALUES
  ('OYN-001', 'PELUŞ AYI 30 CM', 'Adet', 'OYN', 'OYN-PLS', 'ACME', 'R1', now(), now()),
  ('OYN-002', 'YAPBOZ 1000 PARÇA İSTANBUL', 'Adet', 'OYN', 'OYN-YAP', 'ACME', 'R2', now(), now()),
  ('OYN-003', 'AHŞAP TREN SETİ', 'Set', 'OYN', 'OYN-YAP', 'ÇINAR', 'R2', now(), now()),
  ('KRT-001', 'ÇİZGİLİ DEFTER A4', 'Adet', 'KRT', 'KRT-DFT', 'IŞIK', 'R3', now(), now());
INSERT INTO "BARKOD_TANIMLARI" ("bar_kodu", "bar_stokkodu", "bar_barkodtipi", "bar_create_date", "bar_lastup_date") VALUES
  ('8690000000011', 'OYN-001', 1, now(), now()), ('8690000000028', 'OYN-002', 1, now(), now()),
  ('8690000000035', 'OYN-003', 1, now(), now()), ('8690000000042', 'KRT-001', 1, now(), now());
INSERT INTO "STOK_SATIS_FIYAT_LISTE_TANIMLARI" ("sfl_sirano", "sfl_aciklama", "sfl_create_date", "sfl_lastup_date") VALUES
  (1, 'PERAKENDE', now(), now()), (2, 'İNTERNET', now(), now()), (3, 'BAYİ', now(), now());
INSERT INTO "STOK_SATIS_FIYAT_LISTELERI" ("sfiyat_stokkod", "sfiyat_listesirano", "sfiyat_deposirano", "sfiyat_odemeplan", "sfiyat_fiyati", "sfiyat_create_date", "sfiyat_lastup_date")
  SELECT s.code, l.n, 0, 0, s.price * (1 - (l.n - 1) * 0.1), now(), now()
    FROM (VALUES ('OYN-001', 249.90), ('OYN-002', 189.50), ('OYN-003', 420.00), ('KRT-001', 35.75)) AS s(code, price), generate_series(1, 3) AS l(n);
