/**
 * The SQL Server client without a SQL Server: what matters here is the connection life cycle, so
 * a real TCP listener stands where the server would be and counts the connections it is offered.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createMssqlErpClient } from './mssql-client.js';
import { sql } from './sql.js';

/** Accepts a TCP connection and closes it at once: the driver's login fails on every attempt. */
async function closingServer(): Promise<{ server: Server; port: number; connections: () => number }> {
  let count = 0;
  const server = createServer((socket: Socket) => {
    count++;
    socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('no port');
  return { server, port: address.port, connections: () => count };
}

const options = (port: number) => ({
  server: '127.0.0.1',
  port,
  database: 'MikroDB_V16_TEST',
  user: 'sa',
  password: 'not-used',
  encrypt: false,
  trustServerCertificate: true,
  poolMax: 2,
  requestTimeoutMs: 2000,
  lockTimeoutMs: 1000,
});

describe('SQL Server client', () => {
  let server: Server | undefined;
  afterEach(async () => {
    await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
  });

  it('does not connect before the first statement', async () => {
    const s = await closingServer();
    server = s.server;
    const client = createMssqlErpClient(options(s.port));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(s.connections()).toBe(0);
    await client.close();
    expect(s.connections()).toBe(0);
  });

  it('tries again on the next statement after a failed connect, instead of failing for good', async () => {
    const s = await closingServer();
    server = s.server;
    const client = createMssqlErpClient(options(s.port));
    const first = await client.query(sql`SELECT 1 AS ok`).catch((err: unknown) => err);
    expect(first).toBeInstanceOf(Error);
    const afterFirst = s.connections();
    expect(afterFirst).toBeGreaterThan(0);
    const second = await client.ping().catch((err: unknown) => err);
    expect(second).toBeInstanceOf(Error);
    expect(second).not.toBe(first);
    expect(s.connections()).toBeGreaterThan(afterFirst);
    await client.close();
  });
});
