// Deny by default: every /api/v1 route names the lowest role it needs (or says it is public); a caller
// is a session cookie (bound to a chat identity, its role read from the chat allow-list on every
// request) or an API token. Cookie sessions must echo their CSRF token on every mutating request.
import type {} from '@fastify/cookie';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { appendAudit } from '../audit/chain.js';
import { atLeast, isRole, type Role } from '../chat/core/roles.js';
import { findRole } from '../db/repos/chat-users.js';
import { useApiToken } from '../db/repos/web-tokens.js';
import { useSession } from '../db/repos/web-sessions.js';
import type { WebDeps, WebIdentity } from './deps.js';
import { csrfFor, hashSecret, looksLike, sameSecret, SESSION_PREFIX, TOKEN_PREFIX } from './secret.js';

export const SESSION_COOKIE = 'bosun_session';
export const CSRF_HEADER = 'x-csrf-token';

/** What a route asks of its caller. */
export type Access = Role | 'public';

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Access;
    /** Changes state: needs CSRF on cookie sessions, audited. */
    mutates?: boolean;
  }
  interface FastifyRequest {
    identity?: WebIdentity;
  }
}

export interface ApiError {
  error: string;
  message: string;
}

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

function bearerOf(req: FastifyRequest): string | undefined {
  const h = req.headers.authorization;
  if (typeof h !== 'string') return undefined;
  const m = /^Bearer\s+(\S+)$/i.exec(h.trim());
  return m?.[1];
}

function chatPlatform(p: string): 'telegram' | 'slack' | null {
  return p === 'telegram' || p === 'slack' ? p : null;
}

/** The caller's identity, or null when nothing valid was presented. */
export async function identify(deps: WebDeps, req: FastifyRequest): Promise<WebIdentity | null> {
  const now = new Date(deps.clock.now());
  const bearer = bearerOf(req);
  if (bearer !== undefined) {
    if (!looksLike(TOKEN_PREFIX, bearer)) return null;
    const t = await useApiToken(deps.db, hashSecret(bearer), now);
    if (!t || !isRole(t.role)) return null;
    const label = `token:${t.name}`;
    return { kind: 'token', label, role: t.role, actor: { platform: 'cli', userId: label, name: label } };
  }
  const cookie = req.cookies[SESSION_COOKIE];
  if (cookie === undefined || !looksLike(SESSION_PREFIX, cookie)) return null;
  const hash = hashSecret(cookie);
  const s = await useSession(deps.db, hash, now);
  const platform = s && chatPlatform(s.platform);
  if (!s || !platform) return null;
  // The role is the chat's, now: a grant removed or lowered in chat applies to the open session at once.
  const role = await findRole(deps.db, platform, s.userId, s.scope);
  if (role === null) return null;
  return {
    kind: 'session',
    label: `${platform}:${s.userId}`,
    role,
    actor: { platform, userId: s.userId, name: s.userName ?? s.userId },
    csrf: csrfFor(cookie),
    sessionHash: hash,
  };
}

/** One row in the audit hash chain for a web call, attributed to the caller's identity. */
export async function auditWeb(
  deps: WebDeps,
  req: FastifyRequest,
  e: { action: string; args?: Record<string, unknown>; outcome: string; detail?: string | null },
): Promise<void> {
  const who = req.identity;
  try {
    await appendAudit(
      deps.db,
      {
        actor: who?.label ?? `ip:${req.ip}`,
        platform: 'web',
        chatId: null,
        action: e.action,
        args: { ...e.args, via: who?.kind ?? 'anonymous', ...(who ? { role: who.role } : {}) },
        outcome: e.outcome,
        detail: e.detail ?? null,
      },
      deps.clock,
    );
  } catch (err) {
    deps.log.error(
      { action: e.action, err: err instanceof Error ? err.message : String(err) },
      'audit failed',
    );
  }
}

function refuse(reply: FastifyReply, status: number, error: string, message: string): FastifyReply {
  return reply
    .code(status)
    .header('cache-control', 'no-store')
    .send({ error, message } satisfies ApiError);
}

/** The onRequest hook of the API: identity, role and CSRF, refusing by default. */
export function guard(deps: WebDeps) {
  return async (req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined> => {
    const cfg = req.routeOptions.config;
    const access = cfg.access;
    if (access === 'public') return undefined;
    const action = `web ${req.method} ${req.routeOptions.url ?? req.url}`;
    if (access === undefined) {
      // A route that forgot to say who may call it is closed, not open.
      return refuse(reply, 404, 'not-found', `no such route: ${req.method} ${req.url.split('?')[0]}`);
    }
    const who = await identify(deps, req);
    if (!who) {
      if (cfg.mutates) await auditWeb(deps, req, { action, outcome: 'denied', detail: 'not signed in' });
      return refuse(
        reply,
        401,
        'unauthorised',
        'sign in with the link /web gives you in chat, or send an API token as "Authorization: Bearer bsn_…"',
      );
    }
    req.identity = who;
    if (!atLeast(who.role, access)) {
      if (cfg.mutates)
        await auditWeb(deps, req, { action, outcome: 'denied', detail: `needs ${access}, has ${who.role}` });
      return refuse(reply, 403, 'forbidden', `this needs the ${access} role; you are ${who.role}`);
    }
    if (who.kind === 'session' && !SAFE.has(req.method)) {
      const sent = req.headers[CSRF_HEADER];
      if (typeof sent !== 'string' || !who.csrf || !sameSecret(sent, who.csrf)) {
        await auditWeb(deps, req, { action, outcome: 'denied', detail: 'missing or wrong CSRF token' });
        return refuse(
          reply,
          403,
          'csrf',
          `a signed-in browser must send the X-CSRF-Token header from GET /api/v1/session`,
        );
      }
    }
    return undefined;
  };
}
