/**
 * Task `xml feed` (the original's `npm run stock-xml`): build the stock XML feed, publish it on the
 * feed server (temporary name, verified, distribution commands, atomic rename) and report.
 * Hourly and at STOCK_XML_HOURS (the xml manifest), or now with `npm run stock-xml`. Both
 * schedules fire together at e.g. 13:00; the manifest makes the task exclusive, so one runs.
 */
import os from 'node:os';
import path from 'node:path';
import { PermanentError, says, type TaskResult } from '@mikrosync/core';
import { FeedPublisher, type PublishResult } from '@mikrosync/connectors/feed';
import type { WorkerContext } from '../../context.js';
import type { TaskRun } from '../../jobs/types.js';
import { buildFeed, upsertFailure } from './build-feed.js';

export async function runFeedTask(ctx: WorkerContext, run: TaskRun): Promise<TaskResult> {
  const cfg = ctx.config.stockXml;
  if (cfg.ssh.host && !cfg.ssh.privateKeyPath) {
    throw new PermanentError(`SSH_HOST is set (${cfg.ssh.host}) but SSH_PRIVATE_KEY_PATH is not: the feed cannot be uploaded.`, {
      says: says('err.settingMissing', { variable: 'SSH_PRIVATE_KEY_PATH' }),
      fix: 'set SSH_PRIVATE_KEY_PATH to the private key file of the feed server user (or unset SSH_HOST to write the feed locally only).',
    });
  }
  return feedOnce(ctx, run);
}

async function feedOnce(ctx: WorkerContext, run: TaskRun): Promise<TaskResult> {
  const { config, log } = ctx;
  const cfg = config.stockXml;
  const outputDir = cfg.outputDir ?? path.join(os.tmpdir(), 'mikrosync-stock-xml');
  const built = await buildFeed(ctx, run, outputDir);
  const rows: Record<string, number> = {
    products: built.products,
    pictures: built.pictures,
    'xmlurunler inserted': built.upsert.inserted,
    'xmlurunler updated': built.upsert.updated,
  };
  log.info({ file: built.file.path, bytes: built.file.size, sha256: built.file.sha256, products: built.products }, 'feed file written');

  let published: string;
  const ssh = cfg.ssh;
  if (!ssh.host || !ssh.privateKeyPath) {
    log.warn({ file: built.file.path }, 'SSH_HOST is not set: the feed was written locally and not uploaded');
    published = `feed of ${built.products} products written to ${built.file.path} (not uploaded: SSH_HOST is not set)`;
  } else {
    const target = { host: ssh.host, port: ssh.port, user: ssh.user, privateKeyPath: ssh.privateKeyPath, hostFingerprints: ssh.hostFingerprints, connectTimeoutMs: ssh.connectTimeoutMs };
    const publisher = await FeedPublisher.connect(target, log);
    let result: PublishResult;
    try {
      result = await publisher.publish({
        local: built.file,
        remoteDir: ssh.remotePath,
        name: cfg.fileName,
        commands: cfg.distribute,
        commandTimeoutMs: cfg.commandTimeoutMs,
        log,
        progress: (step, done, total) => void run.progress({ step, done, total }).catch(() => undefined),
      });
    } finally {
      await publisher.close();
    }
    rows.uploaded = 1;
    rows.distributed = result.commands.length;
    published =
      `feed of ${built.products} products (${built.file.size} bytes) published to ${publisher.where}${result.remotePath}` +
      (result.checksumVerified ? ', checksum verified' : ', size verified') +
      (result.commands.length ? `, ${result.commands.length} distribution command(s) succeeded` : '');
  }
  if (built.picturesSkipped) published += ' (without images: the Entegra mirror tables do not exist yet)';
  if (built.upsertError !== undefined) throw upsertFailure(built.upsertError, published);
  return { summary: published, rows };
}
