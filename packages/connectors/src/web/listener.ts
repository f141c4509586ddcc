/**
 * LISTEN for outbox notifications on a dedicated connection, reconnecting with backoff.
 * A notification only wakes the producer: the outbox sweep after every (re)connect catches any
 * event that arrived while the connection was down. Supabase: use the session pooler (5432) or a
 * direct connection; the transaction pooler (6543) cannot LISTEN.
 */
import { EventEmitter } from 'node:events';
import pg from 'pg';
import type { Logger } from '@mikrosync/core';

export const OUTBOX_CHANNEL = 'mikrosync_outbox';

export interface OutboxListenerEvents {
  notify: [id: number];
  connected: [];
}

export class OutboxListener extends EventEmitter<OutboxListenerEvents> {
  private client: pg.Client | undefined;
  private stopped = false;
  private retryMs = 500;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly url: string,
    private readonly log: Logger,
    private readonly ssl = false,
  ) {
    super();
  }

  get connected(): boolean {
    return this.client !== undefined;
  }

  async start(): Promise<void> {
    await this.connect();
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    const client = new pg.Client({
      connectionString: this.url,
      application_name: 'mikrosync-listener',
      keepAlive: true,
      ssl: this.ssl ? { rejectUnauthorized: false } : undefined,
    });
    const lost = (err?: Error) => {
      if (this.client !== client) return;
      this.client = undefined;
      client.removeAllListeners();
      client.end().catch(() => undefined);
      if (!this.stopped) {
        this.log.warn({ err, retryInMs: this.retryMs }, 'outbox listener lost its connection; reconnecting');
        this.schedule();
      }
    };
    client.on('error', lost);
    client.on('end', () => lost());
    client.on('notification', (msg) => {
      const id = Number(msg.payload);
      if (msg.channel === OUTBOX_CHANNEL && Number.isInteger(id)) this.emit('notify', id);
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${OUTBOX_CHANNEL}`);
      this.client = client;
      this.retryMs = 500;
      this.log.info('outbox listener connected');
      this.emit('connected');
    } catch (err) {
      client.removeAllListeners();
      await client.end().catch(() => undefined);
      this.log.warn({ err, retryInMs: this.retryMs }, 'outbox listener could not connect; retrying');
      this.schedule();
    }
  }

  private schedule(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.connect(), this.retryMs);
    this.retryMs = Math.min(this.retryMs * 2, 30_000);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    const c = this.client;
    this.client = undefined;
    if (c) {
      c.removeAllListeners();
      await c.end().catch(() => undefined);
    }
  }
}
