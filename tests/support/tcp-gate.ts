/**
 * A TCP gate in front of a server (the ERP stand-in, the web database): a test fleet connects
 * through it, and closing it is a real outage for that fleet only — open connections are cut,
 * new ones are refused — while the shared PostgreSQL keeps running for everyone else.
 */
import net from 'node:net';

export interface TcpGate {
  port: number;
  /** Cuts every connection and refuses new ones (the port stays reserved). */
  close(): Promise<void>;
  open(): Promise<void>;
  stop(): Promise<void>;
}

export async function startTcpGate(targetPort: number, targetHost = '127.0.0.1'): Promise<TcpGate> {
  const sockets = new Set<net.Socket>();
  let server: net.Server | undefined;
  let port = 0;
  const listen = () =>
    new Promise<void>((resolve, reject) => {
      const s = net.createServer((client) => {
        const upstream = net.connect(targetPort, targetHost);
        for (const sock of [client, upstream]) {
          sockets.add(sock);
          sock.on('close', () => sockets.delete(sock));
          sock.on('error', () => {
            client.destroy();
            upstream.destroy();
          });
        }
        client.pipe(upstream).pipe(client);
      });
      s.once('error', reject);
      s.listen(port, '127.0.0.1', () => {
        port = (s.address() as net.AddressInfo).port;
        server = s;
        resolve();
      });
    });
  const shut = async () => {
    const s = server;
    server = undefined;
    for (const sock of sockets) sock.destroy();
    if (s) await new Promise<void>((r) => s.close(() => r()));
  };
  await listen();
  return {
    get port() {
      return port;
    },
    close: shut,
    async open() {
      if (!server) await listen();
    },
    stop: shut,
  };
}

/** The same URL through the gate. */
export function throughGate(url: string, gate: TcpGate): string {
  const u = new URL(url);
  u.host = `127.0.0.1:${gate.port}`;
  return u.toString();
}
