/**
 * The status page in a real browser (Debian's Chromium through playwright-core): log in, see a flow
 * turn red when a job lands in the dead-letter queue, re-enqueue it from the page after the fix and
 * see it post and the flow turn green; wrong credentials are refused. A screenshot is kept.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestEnv, ERP_UNDER_TEST, waitFor, type TestEnv } from './support/test-env.js';
import { insertCollection, seedErpMasterData, seedWebMasterData, type SeededIds } from './support/seed.js';
import { startCli, type CliProcess } from './support/processes.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARTIFACTS = fileURLToPath(new URL('../test-artifacts/', import.meta.url));
const ADMIN = { username: 'operator', password: 'S3CRET-browser-pass' };

describe.skipIf(ERP_UNDER_TEST !== 'pg' || !existsSync(CHROMIUM))('status page in a browser', () => {
  let t: TestEnv;
  let ids: SeededIds;
  let fleet: CliProcess;
  let browser: Browser;
  let base: string;

  beforeAll(async () => {
    t = await createTestEnv({ ADMIN_USER: ADMIN.username, ADMIN_PASSWORD: ADMIN.password, HTTP_PORT: String(20000 + Math.floor(Math.random() * 20000)) });
    base = `http://127.0.0.1:${t.env.HTTP_PORT}`;
    await seedErpMasterData(t.erp);
    ids = await seedWebMasterData(t.web);
    fleet = startCli(['start'], t.env);
    await waitFor('server up', async () => (await fetch(`${base}/healthz`).catch(() => undefined))?.ok, 30_000);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  });
  afterAll(async () => {
    await browser?.close();
    await fleet?.stop();
    await t?.cleanup();
  });

  it('refuses wrong credentials', async () => {
    const context = await browser.newContext({ httpCredentials: { username: ADMIN.username, password: 'wrong-password' } });
    const page = await context.newPage();
    const res = await page.goto(`${base}/status`);
    expect(res?.status()).toBe(401);
    await context.close();
  });

  it('shows a flow turning red on a dead letter, and green again after re-enqueue from the page', async () => {
    const context = await browser.newContext({ httpCredentials: ADMIN, locale: 'tr-TR' });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('console', (m) => problems.push(`${m.type()}: ${m.text()}`));
    page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
    await page.goto(`${base}/status`);
    await expect.poll(() => page.locator('#title').textContent(), { timeout: 10_000, message: problems.join('\n') }).toBe('mikrosync durum');
    const collections = page.locator('tr[data-flow="collections"]');
    await expect.poll(() => collections.getAttribute('data-health'), { timeout: 20_000 }).toBe('green');

    // An account without an ERP code: the job lands in the dead-letter queue.
    const stranger = (await t.web.query(`INSERT INTO cari_hesaplar (cari_kodu, cari_adi, cari_tipi) VALUES ('', 'TARAYICI TEST', 'Müşteri') RETURNING id`)).rows[0].id;
    const id = await insertCollection(t.web, { cari_hesap_id: stranger, tahsilat_tipi: 'nakit', kasa_id: ids.kasa001, tutar: 42 });
    await expect.poll(() => collections.getAttribute('data-health'), { timeout: 20_000 }).toBe('red');
    // Only this collection's dead letter (the web customer without a code also fails its own push in the stock flow).
    const dead = page.locator('tr[data-dead]', { hasText: 'tahsilatlar' });
    await expect.poll(() => dead.count(), { timeout: 20_000 }).toBe(1);
    expect(await dead.first().textContent()).toContain('TARAYICI TEST');

    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: `${ARTIFACTS}status-page-red.png`, fullPage: true });

    // The fix, then re-enqueue from the page.
    await t.erpSql.query(`INSERT INTO "CARI_HESAPLAR" ("cari_kod", "cari_unvan1") VALUES ('TARAYICI', 'TARAYICI TEST')`);
    await t.web.query(`UPDATE cari_hesaplar SET cari_kodu = 'TARAYICI' WHERE id = $1`, [stranger]);
    await dead.locator('button[data-requeue]').click();
    await waitFor('posted', async () => (await t.web.query('SELECT 1 FROM int_tahsilat_mapping WHERE web_tahsilat_id = $1', [id])).rowCount, 20_000);
    await expect.poll(() => collections.getAttribute('data-health'), { timeout: 20_000 }).toBe('green');
    await expect.poll(() => dead.count(), { timeout: 20_000 }).toBe(0);
    expect(await page.locator('#audit').textContent()).toContain('requeue');

    await page.locator('#lang button[data-lang="en"]').click();
    await expect.poll(() => page.locator('#title').textContent(), { timeout: 20_000 }).toBe('mikrosync status');
    await page.screenshot({ path: `${ARTIFACTS}status-page.png`, fullPage: true });
    expect(existsSync(`${ARTIFACTS}status-page.png`)).toBe(true);
    expect(await page.content()).not.toContain('S3CRET');
    await context.close();
  });
});
