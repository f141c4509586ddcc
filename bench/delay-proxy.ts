/**
 * A TCP proxy that adds a fixed delay in each direction, to measure the fleet as a shop's network
 * shows it (SQL Server over a VPN, Supabase over the internet), and that counts round trips.
 *
 * A round trip is a client->server turn: the first bytes the client sends after the server last
 * spoke (or the first bytes of a connection). A pipelined batch of statements is one turn, a
 * statement that waits for the answer of the previous one is another.
 */
import net from 'node:net';

export interface DelayProxy {
  /** Port on 127.0.0.1 to connect to instead of the target. */
  port: number;
  /** Client->server turns since the last reset (a connection's opening message is one of them). */
  turns(): number;
  /** Connections opened since the last reset (each costs one turn before its first statement). */
  connections(): number;
  /** Bytes forwarded in both directions since the last reset. */
  bytes(): number;
  reset(): void;
  close(): Promise<void>;
}

/** `rttMs` is split evenly between the two directions; order of chunks is kept per direction. */
export async function startDelayProxy(target: { host: string; port: number }, rttMs: number): Promise<DelayProxy> {
  const oneWay = rttMs / 2;
  let turns = 0;
  let bytes = 0;
  let connections = 0;
  const sockets = new Set<net.Socket>();

  const server = net.createServer((client) => {
    const upstream = net.connect(target.port, target.host);
    connections++;
    sockets.add(client).add(upstream);
    let serverSpokeLast = true;
    // Each direction keeps its own release time so a later chunk never overtakes an earlier one.
    const pipe = (from: net.Socket, to: net.Socket, fromClient: boolean) => {
      let releaseAt = 0;
      from.on('data', (chunk: Buffer) => {
        bytes += chunk.length;
        if (fromClient && serverSpokeLast) turns++;
        serverSpokeLast = !fromClient;
        releaseAt = Math.max(releaseAt, Date.now() + oneWay);
        const wait = releaseAt - Date.now();
        if (wait <= 0) to.write(chunk);
        else setTimeout(() => to.writable && to.write(chunk), wait);
      });
      from.on('end', () => setTimeout(() => to.end(), Math.max(0, releaseAt - Date.now())));
    };
    pipe(client, upstream, true);
    pipe(upstream, client, false);
    const destroy = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('error', destroy).on('close', destroy);
    upstream.on('error', destroy).on('close', destroy);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    port,
    turns: () => turns,
    connections: () => connections,
    bytes: () => bytes,
    reset() {
      turns = 0;
      bytes = 0;
      connections = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** The same URL, pointed at the proxy. */
export function viaProxy(url: string, proxy: DelayProxy): string {
  const u = new URL(url);
  u.hostname = '127.0.0.1';
  u.port = String(proxy.port);
  return u.toString();
}
