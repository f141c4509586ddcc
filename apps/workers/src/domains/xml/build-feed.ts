/**
 * Builds the feed file page by page: ERP stock cards (by sto_RECno) -> Entegra pictures of those
 * codes -> feed items -> `xmlurunler` upsert + XML text appended to the file. Memory holds one page
 * (plus the next one being read), whatever the number of products.
 */
import { errorMessage, PermanentError, type ErpFeedProductRow } from '@mikrosync/core';
import { readStockFeedBounds, readStockFeedPage } from '@mikrosync/connectors/erp';
import { picturesMirrorExists, readFeedPictures, upsertXmlurunler, type UpsertCounts } from '@mikrosync/connectors/web';
import { FeedFileWriter, type FeedFile } from '@mikrosync/connectors/feed';
import {
  FEED_FOOTER,
  formatGeneratedAt,
  renderFeedHeader,
  renderProducts,
  toFeedItem,
  toXmlurunlerRow,
  trimSpaces,
  uniqueByCode,
  type FeedItem,
} from '@mikrosync/mappers';
import type { WorkerContext } from '../../context.js';
import type { TaskRun } from '../../jobs/types.js';

/** Products per rendered string: keeps strings and buffers around 0.5 MB. */
const RENDER_CHUNK = 1000;

export interface BuiltFeed {
  file: FeedFile;
  products: number;
  pictures: number;
  picturesSkipped: boolean;
  upsert: UpsertCounts;
  /** The first failed xmlurunler batch: the feed is still published, then the job fails with it. */
  upsertError: unknown;
}

export async function buildFeed(ctx: WorkerContext, run: TaskRun, outputDir: string): Promise<BuiltFeed> {
  const { config, log } = ctx;
  const { pageSize, fileName } = config.stockXml;
  const generatedAt = formatGeneratedAt(new Date(), config.erp.timeZone);
  const bounds = await readStockFeedBounds(ctx.erp);
  const withPictures = await picturesMirrorExists(ctx.web);
  if (!withPictures) log.warn('entegra_product / entegra_pictures do not exist yet: the feed is written without images');

  const writer = await FeedFileWriter.open(outputDir, fileName, renderFeedHeader(generatedAt, bounds.count));
  const upsert: UpsertCounts = { inserted: 0, updated: 0, unchanged: 0 };
  let upsertError: unknown;
  let products = 0;
  let pictures = 0;
  const readPage = (after: number) => readStockFeedPage(ctx.erp, after, bounds.maxRecno, pageSize);
  // One xmlurunler batch in flight: it runs on the web database while the next page is read and written.
  const upsertPage = async (items: FeedItem[]): Promise<void> => {
    if (upsertError !== undefined) return;
    const { rows: unique, duplicates } = uniqueByCode(items.map(toXmlurunlerRow));
    if (duplicates.length) log.warn({ codes: duplicates.slice(0, 20), count: duplicates.length }, 'stock codes repeated after trimming: xmlurunler keeps the first card of each');
    try {
      const c = await upsertXmlurunler(ctx.web, unique);
      upsert.inserted += c.inserted;
      upsert.updated += c.updated;
      upsert.unchanged += c.unchanged;
    } catch (err) {
      upsertError = err;
      log.error({ err, first: unique[0]?.product_code }, 'xmlurunler upsert failed: later batches are skipped, the feed is still written');
    }
  };
  let upserting: Promise<void> = Promise.resolve();
  try {
    let pending: Promise<ErpFeedProductRow[]> = readPage(0);
    for (;;) {
      const rows = await pending;
      if (rows.length === 0) break;
      if (run.signal.aborted) {
        throw new Error('feed run interrupted by a worker shutdown before the file was complete; the live feed is unchanged and the run is retried');
      }
      // The next page is read while this one is mapped and written.
      const last = rows[rows.length - 1]?.sto_RECno ?? bounds.maxRecno;
      pending = rows.length < pageSize ? Promise.resolve([]) : readPage(last);
      pending.catch(() => undefined);

      const codes = rows.map((r) => trimSpaces(r.sto_kod ?? ''));
      const picturesByCode = withPictures ? await readFeedPictures(ctx.web, [...new Set(codes)]) : undefined;
      const items = rows.map((r, i) => toFeedItem(r, picturesByCode?.get(codes[i] ?? '')));

      await upserting;
      upserting = upsertPage(items);
      // Rendered and written in chunks: small strings, and the disk write of one chunk overlaps
      // the rendering of the next.
      const writes: Promise<void>[] = [];
      for (let i = 0; i < items.length; i += RENDER_CHUNK) writes.push(writer.write(renderProducts(items.slice(i, i + RENDER_CHUNK))));
      await Promise.all(writes);
      products += items.length;
      for (const it of items) pictures += it.images.length;
      await run.progress({ step: 'products', done: products, total: Math.max(bounds.count, products) });
    }
    await upserting;
    const file = await writer.finish(renderFeedHeader(generatedAt, products), FEED_FOOTER);
    if (products !== bounds.count) log.info({ counted: bounds.count, written: products }, 'stock cards changed during the read: ProductCount is the number written');
    return { file, products, pictures, picturesSkipped: !withPictures, upsert, upsertError };
  } catch (err) {
    await upserting;
    await writer.abort();
    throw err;
  }
}

/** The xmlurunler failure, raised after the feed was published, with that fact in its message. */
export function upsertFailure(err: unknown, published: string): Error {
  const prefix = `${published}; but xmlurunler was not fully updated: `;
  if (err instanceof PermanentError) return new PermanentError(prefix + err.message, { record: err.record, cause: err, says: err.says, mapping: err.mapping });
  return new Error(prefix + errorMessage(err), { cause: err });
}
