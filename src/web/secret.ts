// Secrets the web layer hands out (API tokens, login links, session cookies): 32 random bytes in
// base64url behind a short prefix; only their SHA-256 is stored, so a database dump opens nothing.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export const TOKEN_PREFIX = 'bsn_';
export const LINK_PREFIX = 'bsl_';
export const SESSION_PREFIX = 'bss_';

export function newSecret(prefix: string): string {
  return `${prefix}${randomBytes(32).toString('base64url')}`;
}

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

/** The CSRF token of a session: derived from its cookie, so only the holder of the cookie can know it. */
export function csrfFor(sessionSecret: string): string {
  return createHash('sha256').update(`csrf:${sessionSecret}`).digest('base64url');
}

export function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Shape check before any database lookup: a prefix and 43 base64url characters. */
export function looksLike(prefix: string, s: string): boolean {
  return s.startsWith(prefix) && /^[A-Za-z0-9_-]{43}$/.test(s.slice(prefix.length));
}
