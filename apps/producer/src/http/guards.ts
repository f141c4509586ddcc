/**
 * Request guards of the producer's HTTP surface: the Host names it answers to, the admin login,
 * and the same-origin + JSON rule for every write.
 */
import { timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';

export type Middleware = (req: Request, res: Response, next: NextFunction) => void;

function safeEqual(a: string, b: string): boolean {
  const ab = Buffer.from(a);
  const bb = Buffer.from(b);
  return ab.length === bb.length && timingSafeEqual(ab, bb);
}

/** The host name of a Host header, without its port; IPv6 keeps its brackets. */
export function hostNameOf(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const h = header.trim().toLowerCase();
  if (h.startsWith('[')) return h.slice(0, h.indexOf(']') + 1) || undefined;
  return h.replace(/:\d*$/, '') || undefined;
}

/**
 * Answers only to the configured names. A DNS-rebinding page reaches the loopback listener under
 * its own name: the browser sends that name as Host (and as Origin, so a same-origin check alone
 * passes), and without credentials nothing else would stop it.
 */
export function allowedHostsOnly(allowed: readonly string[]): Middleware {
  const names = new Set(allowed.map((h) => h.toLowerCase()));
  return (req, res, next) => {
    const name = hostNameOf(req.headers.host);
    if (name && names.has(name)) return next();
    res
      .status(403)
      .type('text/plain; charset=utf-8')
      .send(`host name not allowed: add it to HTTP_ALLOWED_HOSTS\nbu ad kabul edilmiyor: HTTP_ALLOWED_HOSTS ayarına ekleyin\n`);
  };
}

/** True when the request carries the admin login (or when none is configured: loopback only). */
export function adminLoginOf(user: string | undefined, password: string | undefined): (req: Request) => boolean {
  return (req) => {
    if (!user || !password) return true;
    const [scheme, encoded] = (req.headers.authorization ?? '').split(' ');
    if (scheme !== 'Basic' || !encoded) return false;
    const [u, ...rest] = Buffer.from(encoded, 'base64').toString('utf8').split(':');
    return safeEqual(u ?? '', user) && safeEqual(rest.join(':'), password);
  };
}

export type Role = 'admin' | 'operator' | 'viewer';

export interface Logins {
  adminUser: string | undefined;
  adminPassword: string | undefined;
  operatorUser?: string | undefined;
  operatorPassword?: string | undefined;
  viewerUser?: string | undefined;
  viewerPassword?: string | undefined;
}

/**
 * The role of a request's basic-auth login. Without an admin login configured (loopback only)
 * everyone on this machine is the admin, as before roles existed.
 */
export function roleOf(logins: Logins): (req: Request) => { user: string; role: Role } | undefined {
  const admin = adminLoginOf(logins.adminUser, logins.adminPassword);
  const operator = logins.operatorUser && logins.operatorPassword ? adminLoginOf(logins.operatorUser, logins.operatorPassword) : () => false;
  const viewer = logins.viewerUser && logins.viewerPassword ? adminLoginOf(logins.viewerUser, logins.viewerPassword) : () => false;
  return (req) => {
    if (!logins.adminUser || !logins.adminPassword) return { user: 'local', role: 'admin' };
    const user = basicUserOf(req) ?? '';
    if (admin(req)) return { user, role: 'admin' };
    if (operator(req)) return { user, role: 'operator' };
    if (viewer(req)) return { user, role: 'viewer' };
    return undefined;
  };
}

/** The user name of a basic-auth header (not checked). */
export function basicUserOf(req: Request): string | undefined {
  const [scheme, encoded] = (req.headers.authorization ?? '').split(' ');
  if (scheme !== 'Basic' || !encoded) return undefined;
  return Buffer.from(encoded, 'base64').toString('utf8').split(':')[0] || undefined;
}

export function basicAuth(isAdmin: (req: Request) => boolean): Middleware {
  return (req, res, next) => {
    if (isAdmin(req)) return next();
    res.setHeader('WWW-Authenticate', 'Basic realm="mikrosync", charset="UTF-8"');
    res.status(401).send('authentication required');
  };
}

/** True when the request carries `Authorization: Bearer <token>` with the given token. */
export function bearerTokenOf(token: string | undefined): (req: Request) => boolean {
  return (req) => {
    if (!token) return false;
    const header = req.headers.authorization ?? '';
    return header.startsWith('Bearer ') && safeEqual(header.slice(7).trim(), token);
  };
}

/**
 * Writes must come from our own page: JSON bodies only (a cross-site form cannot send them) and, when
 * the browser says where the request comes from, the same origin.
 */
export const sameOrigin: Middleware = (req, res, next) => {
  const origin = req.headers.origin;
  const site = req.headers['sec-fetch-site'];
  const own = `${req.protocol}://${req.headers.host}`;
  if ((origin && origin !== own) || (site && site !== 'same-origin' && site !== 'none')) {
    res.status(403).json({ error: 'cross-origin request refused' });
    return;
  }
  if (!req.is('application/json')) {
    res.status(415).json({ error: 'send application/json' });
    return;
  }
  next();
};

/** `sameOrigin` for every method that can change something; reads pass. */
export const writesSameOrigin: Middleware = (req, res, next) => {
  if (req.method === 'GET' || req.method === 'HEAD' || req.method === 'OPTIONS') return next();
  sameOrigin(req, res, next);
};
