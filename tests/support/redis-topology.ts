/**
 * Redis topologies of one test, started from Debian's redis-server on free ports in a temporary
 * directory and killed in teardown: a master with a replica watched by three sentinels, a
 * 3-master cluster, or a single server with extra flags. The machine's Redis is never touched.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { waitFor } from './test-env.js';
import { freePort } from './ports.js';

const run = promisify(execFile);


/** redis-cli against one port; the answer as text. */
export async function redisCli(port: number, ...args: string[]): Promise<string> {
  return (await run('redis-cli', ['-h', '127.0.0.1', '-p', String(port), ...args], { timeout: 10_000 })).stdout;
}

export interface RedisProcess {
  port: number;
  child: ChildProcess;
  kill(): Promise<void>;
}

/** Every process and directory a test started, for one teardown. */
export class RedisTopology {
  private readonly procs: RedisProcess[] = [];
  readonly dir = mkdtempSync(path.join(tmpdir(), 'mikrosync-redis-'));

  /** A redis-server (or `--sentinel` with a config file) on its own port, answering PING. */
  async server(port: number, args: string[], opts: { sentinelConf?: string } = {}): Promise<RedisProcess> {
    const dir = path.join(this.dir, String(port));
    mkdirSync(dir, { recursive: true });
    let argv: string[];
    if (opts.sentinelConf !== undefined) {
      const conf = path.join(dir, 'sentinel.conf');
      writeFileSync(conf, `port ${port}\nbind 127.0.0.1\ndir ${dir}\n${opts.sentinelConf}`);
      argv = [conf, '--sentinel'];
    } else {
      argv = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, ...args];
    }
    const child = spawn('redis-server', argv, { stdio: 'ignore' });
    const exited = new Promise((r) => child.once('exit', r));
    const proc: RedisProcess = {
      port,
      child,
      async kill() {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
        await exited;
      },
    };
    this.procs.push(proc);
    await waitFor(`redis on ${port}`, async () => /PONG/.test(await redisCli(port, 'PING')), 15_000, 100);
    return proc;
  }

  async stop(): Promise<void> {
    await Promise.all(this.procs.splice(0).map((p) => p.kill()));
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export interface SentinelSet {
  name: string;
  /** REDIS_SENTINELS of a mikrosync process. */
  sentinels: string;
  master: RedisProcess;
  replica: RedisProcess;
  /** The port the sentinels currently name as master. */
  masterPort(): Promise<number>;
}

/** One master, one replica, three sentinels (quorum 2) that fail over a second after the master stops answering. */
export async function startSentinelSet(topology: RedisTopology, name = 'mymaster'): Promise<SentinelSet> {
  const [m, r, ...s] = await Promise.all([freePort(), freePort(), freePort(), freePort(), freePort()]);
  // DEBUG SLEEP lets a test hold the replica back, so that the master has writes it never got.
  const debug = ['--enable-debug-command', 'local'];
  const master = await topology.server(m!, debug);
  const replica = await topology.server(r!, [...debug, '--replicaof', '127.0.0.1', String(m)]);
  await waitFor('replica in sync', async () => /master_link_status:up/.test(await redisCli(r!, 'INFO', 'replication')), 15_000);
  const conf = [
    `sentinel monitor ${name} 127.0.0.1 ${m} 2`,
    `sentinel down-after-milliseconds ${name} 1000`,
    `sentinel failover-timeout ${name} 10000`,
    `sentinel parallel-syncs ${name} 1`,
    '',
  ].join('\n');
  for (const port of s) await topology.server(port, [], { sentinelConf: conf });
  // A failover needs the sentinels to know each other (majority vote) and the replica.
  for (const port of s) {
    await waitFor(`sentinel ${port} sees the others and the replica`, async () => {
      const others = (await redisCli(port, 'SENTINEL', 'SENTINELS', name)).match(/^runid$/gm)?.length ?? 0;
      const replicas = await redisCli(port, 'SENTINEL', 'REPLICAS', name);
      return others === 2 && replicas.includes(String(r));
    }, 30_000, 200);
  }
  return {
    name,
    sentinels: s.map((p) => `127.0.0.1:${p}`).join(','),
    master,
    replica,
    async masterPort() {
      const [, port] = (await redisCli(s[0]!, 'SENTINEL', 'GET-MASTER-ADDR-BY-NAME', name)).trim().split('\n');
      return Number(port);
    },
  };
}

export interface RedisClusterSet {
  /** REDIS_CLUSTER_NODES of a mikrosync process. */
  nodes: string;
  ports: number[];
}

/** Three masters sharing the 16384 slots, no replicas. */
export async function startCluster(topology: RedisTopology, masters = 3): Promise<RedisClusterSet> {
  const ports = await Promise.all(Array.from({ length: masters }, () => freePort()));
  for (const p of ports) {
    await topology.server(p, ['--cluster-enabled', 'yes', '--cluster-config-file', `nodes-${p}.conf`, '--cluster-node-timeout', '2000']);
  }
  await run('redis-cli', ['--cluster', 'create', ...ports.map((p) => `127.0.0.1:${p}`), '--cluster-replicas', '0', '--cluster-yes'], { timeout: 30_000 });
  for (const p of ports) await waitFor(`cluster state ok on ${p}`, async () => /cluster_state:ok/.test(await redisCli(p, 'CLUSTER', 'INFO')), 30_000, 200);
  return { nodes: ports.map((p) => `127.0.0.1:${p}`).join(','), ports };
}
