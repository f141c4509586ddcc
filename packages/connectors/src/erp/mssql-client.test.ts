/**
 * The SQL Server client without a SQL Server: what matters here is the connection life cycle, so
 * a real TCP listener stands where the server would be and counts the connections it is offered.
 */
import { createSocket } from 'node:dgram';
import { createServer, type Server, type Socket } from 'node:net';
import { parse as parseEnv } from 'dotenv';
import { afterEach, describe, expect, it } from 'vitest';
import { createMssqlErpClient, mssqlConnectionConfig, parseMssqlServer } from './mssql-client.js';
import { sql } from './sql.js';

/** Accepts a TCP connection and closes it at once: the driver's login fails on every attempt. */
async function closingServer(host = '127.0.0.1'): Promise<{ server: Server; port: number; connections: () => number }> {
  let count = 0;
  const server = createServer((socket: Socket) => {
    count++;
    socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
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

describe('MSSQL_SERVER with a named instance', () => {
  it('splits HOST\\INSTANCE into the server and the instance name, and drops the port', () => {
    expect(parseMssqlServer('SUNUCU\\SQLEXPRESS')).toEqual({ server: 'SUNUCU', instanceName: 'SQLEXPRESS' });
    expect(parseMssqlServer('.\\MIKRO')).toEqual({ server: 'localhost', instanceName: 'MIKRO' });
    expect(parseMssqlServer('(local)\\MIKRO')).toEqual({ server: 'localhost', instanceName: 'MIKRO' });
    expect(parseMssqlServer('192.168.1.10')).toEqual({ server: '192.168.1.10' });
    expect(parseMssqlServer('db.example.com\\')).toEqual({ server: 'db.example.com' });

    const named = mssqlConnectionConfig({ ...options(1433), server: 'SUNUCU\\SQLEXPRESS' });
    expect(named.server).toBe('SUNUCU');
    expect(named.options?.instanceName).toBe('SQLEXPRESS');
    // tedious refuses a port together with an instance name.
    expect(named.port).toBeUndefined();
    const plain = mssqlConnectionConfig({ ...options(14330), server: 'SUNUCU' });
    expect(plain).toMatchObject({ server: 'SUNUCU', port: 14330 });
    expect(plain.options?.instanceName).toBeUndefined();
  });

  it('keeps the backslash of an unquoted MSSQL_SERVER line in .env', () => {
    expect(parseEnv('MSSQL_SERVER=SUNUCU\\SQLEXPRESS\n').MSSQL_SERVER).toBe('SUNUCU\\SQLEXPRESS');
  });

  it('asks the SQL Server Browser for the instance port, then connects there', async () => {
    // A browser (UDP 1434) and a "server" (TCP, closes at once) on a loopback address of this test.
    const host = `127.${1 + Math.floor(Math.random() * 250)}.${1 + Math.floor(Math.random() * 250)}.${2 + Math.floor(Math.random() * 250)}`;
    const s = await closingServer(host);
    let asked = 0;
    const browser = createSocket('udp4');
    browser.on('message', (msg: Buffer, rinfo) => {
      // CLNT_UCAST_EX: list every instance of the host with its TCP port.
      if (msg[0] === 0x02) asked++;
      const instances = [`ServerName;SUNUCU;InstanceName;MIKRO2019;IsClustered;No;Version;15.0.2000.5;tcp;1;;`, `ServerName;SUNUCU;InstanceName;SQLEXPRESS;IsClustered;No;Version;16.0.1000.6;tcp;${s.port};;`];
      const body = Buffer.from(instances.join(''), 'latin1');
      const header = Buffer.from([0x05, body.length & 0xff, body.length >> 8]);
      browser.send(Buffer.concat([header, body]), rinfo.port, rinfo.address);
    });
    await new Promise<void>((resolve) => browser.bind(1434, host, resolve));
    try {
      const client = createMssqlErpClient({ ...options(1433), server: `${host}\\SQLEXPRESS` });
      const err = await client.ping().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(Error);
      expect(asked).toBeGreaterThan(0);
      // It connected to the port the browser gave for SQLEXPRESS (not to 1433, not to MIKRO2019's).
      expect(s.connections()).toBeGreaterThan(0);
      await client.close();
    } finally {
      browser.close();
      await new Promise((resolve) => s.server.close(resolve));
    }
  });
});
