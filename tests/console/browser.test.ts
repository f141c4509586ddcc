/**
 * The operations console in a real browser (Debian's Chromium through playwright-core), in Turkish,
 * at a phone's width (390 px) and a desk's (1280 px), against a running fleet:
 * - a dead-lettered collection shows its document number, customer and a Turkish reason; the
 *   operator picks the missing Mikro account from the list, the collection is posted and the flow
 *   turns green;
 * - the tracker finds a posted sale by its web number and by its Mikro series-number;
 * - the viewer sees no action button and the server refuses its writes; the operator re-enqueues
 *   after fixing the cause outside;
 * - no request leaves 127.0.0.1, no word is missing, no script error.
 * A screenshot of each state is kept under test-artifacts/.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestEnv, ERP_UNDER_TEST, waitFor, type TestEnv } from '../support/test-env.js';
import { erpInsert, insertCollection, seedErpMasterData, seedWebMasterData, type SeededIds } from '../support/seed.js';
import { insertSale, seedStocks } from '../support/invoice-seed.js';
import { runCli, startCli, type CliProcess } from '../support/processes.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARTIFACTS = fileURLToPath(new URL('../../test-artifacts/', import.meta.url));
const ADMIN = { username: 'yonetici', password: 'S3CRET-admin-pass' };
const OPERATOR = { username: 'operator', password: 'S3CRET-operator-pass' };
const VIEWER = { username: 'izleyici', password: 'S3CRET-viewer-pass' };
const WIDTHS = [390, 1280] as const;
const mikroCodeOf = (width: number) => `TRY${width}`;

describe.skipIf(ERP_UNDER_TEST !== 'pg' || !existsSync(CHROMIUM))('operations console in a browser', () => {
  let t: TestEnv;
  let ids: SeededIds;
  let stock: Record<string, string>;
  let fleet: CliProcess;
  let browser: Browser;
  let base: string;
  /** Every URL any page of this file asked for, and every console error or script error. */
  const requests: string[] = [];
  const problems: string[] = [];

  beforeAll(async () => {
    t = await createTestEnv({
      ADMIN_USER: ADMIN.username,
      ADMIN_PASSWORD: ADMIN.password,
      OPERATOR_USER: OPERATOR.username,
      OPERATOR_PASSWORD: OPERATOR.password,
      VIEWER_USER: VIEWER.username,
      VIEWER_PASSWORD: VIEWER.password,
      HTTP_PORT: String(20000 + Math.floor(Math.random() * 20000)),
    });
    base = `http://127.0.0.1:${t.env.HTTP_PORT}`;
    await seedErpMasterData(t.erp);
    ids = await seedWebMasterData(t.web);
    stock = await seedStocks(t.web, t.erp, ['K1']);
    // The Mikro accounts the operator will pick: in Mikro, mirrored to the web by the catalog sync
    // (the picker lists the mirror).
    for (const width of WIDTHS) await erpInsert(t.erp, 'CARI_HESAPLAR', { cari_kod: mikroCodeOf(width), cari_unvan1: `MİKRO HESABI ${width}` });
    fleet = startCli(['start'], t.env);
    await waitFor('server up', async () => (await fetch(`${base}/healthz`).catch(() => undefined))?.ok, 30_000);
    const sync = await runCli(['run', 'catalog', 'sync', '--wait'], t.env);
    expect(sync.code, sync.output).toBe(0);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    mkdirSync(ARTIFACTS, { recursive: true });
  });
  afterAll(async () => {
    await browser?.close();
    await fleet?.stop();
    await t?.cleanup();
  });

  /** A Turkish page at the given width, logged in as `who`, recording its requests and errors. */
  async function open(who: { username: string; password: string }, width: number): Promise<{ context: BrowserContext; page: Page }> {
    const context = await browser.newContext({ httpCredentials: who, locale: 'tr-TR', viewport: { width, height: 900 } });
    const page = await context.newPage();
    page.on('request', (r) => requests.push(r.url()));
    page.on('console', (m) => {
      // A refused write shows in the console as a failed resource; the page itself reports it.
      if (m.type() === 'error' && !m.text().startsWith('Failed to load resource: the server responded with a status of 403')) problems.push(`${width}px ${who.username}: ${m.text()}`);
    });
    page.on('response', (r) => {
      if (r.status() === 404) problems.push(`${width}px ${who.username}: 404 ${new URL(r.url()).pathname}`);
    });
    page.on('pageerror', (e) => problems.push(`${width}px ${who.username}: pageerror ${e.message}`));
    await page.goto(`${base}/status`);
    await expect.poll(() => page.locator('#title').textContent(), { timeout: 10_000 }).toBe('mikrosync işlem konsolu');
    await expect.poll(() => page.locator('article.flow[data-flow="collections"]').count(), { timeout: 20_000 }).toBe(1);
    return { context, page };
  }
  const shot = (page: Page, name: string) => page.screenshot({ path: `${ARTIFACTS}console-${name}.png`, fullPage: true });
  const flowState = (page: Page, flow: string) => page.locator(`article.flow[data-flow="${flow}"]`).getAttribute('data-state');

  /** A web customer without an ERP code and its collection: the collection lands in the dead letters. */
  async function strandedCollection(name: string, number: string): Promise<{ customer: string; collection: string }> {
    // The web's account code is unique and not null: one account at a time has the empty code, so
    // an earlier test's one (already mapped and posted) gets a code of its own first.
    await t.web.query(`UPDATE cari_hesaplar SET cari_kodu = 'ESKI-' || substr(id::text, 1, 8) WHERE cari_kodu = ''`);
    const customer = (await t.web.query(`INSERT INTO cari_hesaplar (cari_kodu, cari_adi, cari_tipi) VALUES ('', $1, 'Müşteri') RETURNING id`, [name])).rows[0].id as string;
    const collection = await insertCollection(t.web, { cari_hesap_id: customer, tahsilat_no: number, tahsilat_tipi: 'nakit', kasa_id: ids.kasa001, tutar: 42 });
    return { customer, collection };
  }
  const posted = (collection: string) => waitFor('collection posted', async () => (await t.web.query('SELECT 1 FROM int_tahsilat_mapping WHERE web_tahsilat_id = $1', [collection])).rowCount, 30_000);

  it('refuses wrong credentials', async () => {
    const context = await browser.newContext({ httpCredentials: { username: OPERATOR.username, password: 'wrong-password' } });
    const page = await context.newPage();
    page.on('request', (r) => requests.push(r.url()));
    expect((await page.goto(`${base}/status`))?.status()).toBe(401);
    await context.close();
  });

  for (const width of WIDTHS) {
    it(`${width} px: a dead-lettered collection names its document, customer and reason in Turkish; picking the Mikro account posts it`, async () => {
      const customer = `TARAYICI MÜŞTERİ ${width}`;
      const number = `NC-${width}`;
      const mikroCode = mikroCodeOf(width);
      const { page, context } = await open(OPERATOR, width);
      const { collection } = await strandedCollection(customer, number);

      const card = page.locator('[data-dead][data-queue="collections"]', { hasText: number });
      await expect.poll(() => card.count(), { timeout: 30_000 }).toBe(1);
      await expect.poll(() => flowState(page, 'collections'), { timeout: 20_000 }).toBe('red');
      const label = (await card.locator('.label').textContent()) ?? '';
      expect(label).toContain(number);
      expect(label).toContain(customer);
      const reason = (await card.locator('.reason').first().textContent()) ?? '';
      expect(reason).toMatch(/^Neden:/);
      expect(reason).toMatch(/[çğıöşüÇĞİÖŞÜ]/); // Turkish, not the log's English
      expect(reason).not.toMatch(/\b(has no|none is set|Fix:)\b/);
      // The internal id is one click away, not on the card's face.
      expect(await card.locator('details[data-d="more"] code').first().isVisible()).toBe(false);
      await card.locator('details[data-d="more"] summary').click();
      expect(await card.locator('details[data-d="more"]').textContent()).toContain(collection);
      await shot(page, `${width}-dead-letter`);

      // Fix in place: the picker lists Mikro accounts; the operator searches and picks one.
      await card.locator('button[data-act="map"]').click();
      const picker = card.locator('.picker');
      await picker.locator('input').fill(mikroCode);
      const choice = picker.locator(`button[data-act="pick"][data-code="${mikroCode}"]`);
      await expect.poll(() => choice.count(), { timeout: 10_000 }).toBe(1);
      await shot(page, `${width}-picker`);
      await choice.click();
      await expect.poll(() => page.locator('#toasts .toast.ok').count(), { timeout: 10_000 }).toBeGreaterThan(0);
      expect(await page.locator('#toasts .toast.ok').first().textContent()).toMatch(/[çğıöşüÇĞİÖŞÜ]/);
      await posted(collection);
      await expect.poll(() => card.count(), { timeout: 20_000 }).toBe(0);
      await expect.poll(() => flowState(page, 'collections'), { timeout: 20_000 }).toBe('green');
      await shot(page, `${width}-fixed`);
      await context.close();
    });

    it(`${width} px: the tracker finds a sale by its web number and by its Mikro number`, async () => {
      const id = await insertSale(t.web, { cari_hesap_id: ids.serhan, odeme_sekli: 'acik_hesap', toplam_tutar: 5, satis_no: `W-${width}` }, [{ stok_id: stock.K1!, birim_fiyat: 5 }]);
      const erpDoc = await waitFor(
        'sale posted',
        async () => (await t.web.query<{ seri: string; sira: number }>('SELECT erp_evrak_seri AS seri, erp_evrak_no AS sira FROM int_satis_mapping WHERE web_satis_id = $1', [id])).rows[0],
        30_000,
      );
      const { page, context } = await open(OPERATOR, width);
      const result = page.locator(`[data-result="satislar:${id}"]`);
      for (const q of [`W-${width}`, `${erpDoc.seri}-${erpDoc.sira}`, `${erpDoc.seri}${erpDoc.sira}`]) {
        await page.locator('#track-q').fill(q);
        await page.locator('#track-form button[type="submit"]').click();
        await expect.poll(() => result.count(), { timeout: 10_000, message: `search ${q}` }).toBe(1);
        expect(await result.getAttribute('data-doc-state')).toBe('posted');
        expect(await result.locator('.badge').textContent()).toBe('Aktarıldı');
        expect(await result.locator('.erp-doc').textContent()).toContain(String(erpDoc.sira));
        expect(await result.locator('ol.timeline li').count()).toBeGreaterThan(1);
        await shot(page, `${width}-tracker-${q === `W-${width}` ? 'web' : 'mikro'}-number`);
      }
      await context.close();
    });

    it(`${width} px: the viewer sees no action and is refused; the operator re-enqueues after the fix`, async () => {
      const customer = `İZLEYİCİ TEST ${width}`;
      const number = `NV-${width}`;
      const { customer: customerId, collection } = await strandedCollection(customer, number);
      const viewer = await open(VIEWER, width);
      const card = viewer.page.locator('[data-dead][data-queue="collections"]', { hasText: number });
      await expect.poll(() => card.count(), { timeout: 30_000 }).toBe(1);
      expect(await viewer.page.locator('#read-only').isVisible()).toBe(true);
      expect(await viewer.page.locator('button[data-act]').count()).toBe(0);
      await viewer.page.locator('#track-q').fill(number);
      await viewer.page.locator('#track-form button[type="submit"]').click();
      await expect.poll(() => viewer.page.locator('[data-result]').count(), { timeout: 10_000 }).toBeGreaterThan(0);
      expect(await viewer.page.locator('button[data-act]').count()).toBe(0);
      const refused = await viewer.page.evaluate(async () => {
        const res = await fetch('api/flows/collections/run?lang=tr', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' });
        return { status: res.status, body: (await res.json()) as { ok: boolean; message: string } };
      });
      expect(refused.status).toBe(403);
      expect(refused.body.ok).toBe(false);
      expect(refused.body.message).toMatch(/[çğıöşüÇĞİÖŞÜ]/);
      await shot(viewer.page, `${width}-viewer`);
      await viewer.context.close();

      // The cause fixed outside the page, then the operator re-enqueues from it.
      const code = `NV${width}`;
      await erpInsert(t.erp, 'CARI_HESAPLAR', { cari_kod: code, cari_unvan1: customer });
      await t.web.query(`UPDATE cari_hesaplar SET cari_kodu = $2 WHERE id = $1`, [customerId, code]);
      const operator = await open(OPERATOR, width);
      const opCard = operator.page.locator('[data-dead][data-queue="collections"]', { hasText: number });
      await expect.poll(() => opCard.count(), { timeout: 20_000 }).toBe(1);
      await opCard.locator('button[data-act="requeue"]').click();
      await expect.poll(() => operator.page.locator('#toasts .toast.ok').count(), { timeout: 10_000 }).toBeGreaterThan(0);
      await posted(collection);
      await expect.poll(() => opCard.count(), { timeout: 20_000 }).toBe(0);
      await expect.poll(() => flowState(operator.page, 'collections'), { timeout: 20_000 }).toBe('green');
      // The audit log names the action in Turkish and the record by its business label.
      await expect.poll(() => operator.page.locator('#audit tbody').textContent(), { timeout: 10_000 }).toContain(number);
      expect(await operator.page.locator('#audit tbody').textContent()).not.toMatch(/\brequeue\b/);
      await operator.context.close();
    });
  }

  it('switches to English, charts load from the same origin, and nothing left 127.0.0.1', async () => {
    const { page, context } = await open(OPERATOR, 1280);
    await page.locator('#lang button[data-lang="en"]').click();
    await expect.poll(() => page.locator('#title').textContent(), { timeout: 10_000 }).toBe('mikrosync operations console');
    await expect.poll(() => page.locator('html').getAttribute('lang')).toBe('en');
    const charts = page.locator('#chart-list img');
    expect(await charts.count()).toBeGreaterThan(0);
    await charts.first().scrollIntoViewIfNeeded();
    await expect.poll(() => charts.first().evaluate((el) => { const img = el as unknown as { complete: boolean; naturalWidth: number }; return img.complete && img.naturalWidth > 0; }), { timeout: 10_000 }).toBe(true);
    await shot(page, '1280-english');
    expect(await page.content()).not.toContain('S3CRET');
    await context.close();

    expect(requests.length).toBeGreaterThan(20);
    expect(requests.filter((u) => new URL(u).hostname !== '127.0.0.1')).toEqual([]);
    expect(problems).toEqual([]);
  });
});
