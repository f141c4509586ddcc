-- Demo rows of the web app: the same accounts, cash box and banks, bank groups, and a few
-- collections and payments that the fleet posts to the ERP as soon as it starts.
INSERT INTO cari_hesaplar (id, cari_kodu, cari_adi, cari_tipi) VALUES
  ('00000000-0000-4000-8000-000000000001', 'SERHAN', 'SERHAN KALAY', 'Müşteri'),
  ('00000000-0000-4000-8000-000000000002', 'ADA', 'ADA OYUNCAK TOPTAN', 'Müşteri'),
  ('00000000-0000-4000-8000-000000000003', 'TEDARIK01', 'İSTANBUL OYUNCAK SANAYİ', 'Tedarikçi');
INSERT INTO kasalar (id, kasa_adi, kasa_tipi, kasa_kodu) VALUES ('00000000-0000-4000-8000-000000000101', 'Merkez kasa', 'nakit', '001');
INSERT INTO bankalar (id, banka_adi, hesap_no, ban_kod) VALUES
  ('00000000-0000-4000-8000-000000000201', 'GARANTİ - KK', 'TR01', '01'),
  ('00000000-0000-4000-8000-000000000208', 'İŞ BANKASI', 'TR08', '08'),
  ('00000000-0000-4000-8000-000000000209', 'YAPIKREDİ - KK', 'TR09', '09'),
  ('00000000-0000-4000-8000-000000000210', 'ENPARA - A', 'TR10', '10');
INSERT INTO int_banka_grup (ban_kod, belge_turu, grup_no) VALUES
  ('10', 'tahsilat_havale', 9), ('08', 'tahsilat_kredi_karti', 7), ('01', 'tediye_cek', 2),
  ('09', 'tediye_havale', 10), ('10', 'tediye_kredi_karti', 8);
INSERT INTO tahsilatlar (tahsilat_no, cari_hesap_id, tahsilat_tarihi, vade_tarihi, tahsilat_tipi, tediye_tipi, tutar, kasa_id, banka_id, cek_no, aciklama) VALUES
  ('DEMO-1', '00000000-0000-4000-8000-000000000001', CURRENT_DATE, CURRENT_DATE, 'nakit', NULL, 1500, '00000000-0000-4000-8000-000000000101', NULL, NULL, 'Demo nakit tahsilat'),
  ('DEMO-2', '00000000-0000-4000-8000-000000000002', CURRENT_DATE, CURRENT_DATE, 'havale', NULL, 12500.75, NULL, '00000000-0000-4000-8000-000000000210', NULL, ''),
  ('DEMO-3', '00000000-0000-4000-8000-000000000002', CURRENT_DATE, CURRENT_DATE + 30, 'cek', NULL, 8000, NULL, NULL, 'ÇK-104512', NULL),
  ('DEMO-4', '00000000-0000-4000-8000-000000000001', CURRENT_DATE, CURRENT_DATE, 'kredi_karti', NULL, 640, NULL, '00000000-0000-4000-8000-000000000208', NULL, NULL),
  ('DEMO-5', '00000000-0000-4000-8000-000000000003', CURRENT_DATE, CURRENT_DATE, 'nakit', 'havale', 22000, NULL, '00000000-0000-4000-8000-000000000209', NULL, 'Tedarikçi ödemesi');

-- Two demo sales with lines: posted to the ERP as invoices as soon as the fleet starts.
INSERT INTO stoklar (id, stok_kodu, stok_adi, birim_turu) VALUES
  ('00000000-0000-4000-8000-000000000301', 'OYN-001', 'PELUŞ AYI 30 CM', 'Adet'),
  ('00000000-0000-4000-8000-000000000302', 'OYN-002', 'YAPBOZ 1000 PARÇA İSTANBUL', 'Adet');
INSERT INTO satislar (id, satis_no, cari_hesap_id, satis_tarihi, odeme_sekli, ara_toplam, kdv_tutari, toplam_tutar) VALUES
  ('00000000-0000-4000-8000-000000000401', 'DEMO-S1', '00000000-0000-4000-8000-000000000002', CURRENT_DATE, 'acik_hesap', 878.80, 175.76, 1054.56),
  ('00000000-0000-4000-8000-000000000402', 'DEMO-S2', '00000000-0000-4000-8000-000000000001', CURRENT_DATE, 'nakit', 249.90, 49.98, 299.88);
UPDATE satislar SET kasa_id = '00000000-0000-4000-8000-000000000101' WHERE id = '00000000-0000-4000-8000-000000000402';
INSERT INTO satis_kalemleri (satis_id, stok_id, miktar, birim_fiyat, toplam_tutar, kdv_orani, kdv_tutari, sira_no) VALUES
  ('00000000-0000-4000-8000-000000000401', '00000000-0000-4000-8000-000000000301', 2, 249.90, 499.80, 20, 99.96, 1),
  ('00000000-0000-4000-8000-000000000401', '00000000-0000-4000-8000-000000000302', 2, 189.50, 379.00, 20, 75.80, 2),
  ('00000000-0000-4000-8000-000000000402', '00000000-0000-4000-8000-000000000301', 1, 249.90, 249.90, 20, 49.98, 1);
