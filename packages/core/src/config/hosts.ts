import { isIPv4 } from 'node:net';

/** Literal loopback names only: a name such as `127.evil.example` is a DNS name like any other. */
export function isLoopbackHost(host: string): boolean {
  const h = host.toLowerCase().replace(/^\[(.*)\]$/, '$1');
  if (h === 'localhost' || h === '::1') return true;
  const v4 = h.startsWith('::ffff:') ? h.slice(7) : h;
  return isIPv4(v4) && v4.startsWith('127.');
}

/** Comma-separated host names, trimmed and in lower case. */
export function hostList(value: string): string[] {
  return value.split(',').map((h) => h.trim().toLowerCase()).filter(Boolean);
}
