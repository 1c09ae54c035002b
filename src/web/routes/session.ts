// Signing in without passwords: /web in chat hands out a one-time link; its page (GET, which link
// previews may fetch without using it up) posts the link here, which takes it once and sets an
// httpOnly, SameSite=Strict session cookie bound to that chat identity. Sign-out revokes the session.
import { z } from 'zod';
import { isRole } from '../../chat/core/roles.js';
import { findRole } from '../../db/repos/chat-users.js';
import { insertSession, revokeSession, takeLoginLink } from '../../db/repos/web-sessions.js';
import { GUARDED, iso, zError, zTime, type ZApp } from '../app-type.js';
import { auditWeb, SESSION_COOKIE } from '../auth.js';
import type { WebDeps } from '../deps.js';
import { csrfFor, hashSecret, LINK_PREFIX, looksLike, newSecret, SESSION_PREFIX } from '../secret.js';

const zSession = z.object({
  identity: z.string().describe('telegram:ID, slack:ID or token:NAME'),
  name: z.string(),
  kind: z.enum(['session', 'token']),
  role: z.enum(['viewer', 'trader', 'approver', 'admin']),
  csrfToken: z.string().nullable().describe('echo it as X-CSRF-Token on every mutating request'),
});

export function sessionRoutes(app: ZApp, deps: WebDeps): void {
  const secure = deps.settings.publicUrl.startsWith('https://');
  const cookieOpts = (maxAgeSec: number) => ({
    path: '/',
    httpOnly: true,
    sameSite: 'strict' as const,
    secure,
    maxAge: maxAgeSec,
  });

  app.post(
    '/api/v1/session',
    {
      config: { access: 'public', mutates: true },
      schema: {
        summary: 'exchange a one-time login link (from /web in chat) for a session cookie',
        tags: ['session'],
        body: z.object({ link: z.string().max(200) }),
        response: {
          200: zSession.extend({ expiresAt: zTime }),
          400: zError,
          401: zError,
          429: zError,
        },
      },
    },
    async (req, reply) => {
      const link = req.body.link.trim();
      if (!looksLike(LINK_PREFIX, link))
        return reply.code(400).send({ error: 'invalid', message: 'that is not a bosun login link' });
      const now = deps.clock.now();
      const taken = await takeLoginLink(deps.db, hashSecret(link), new Date(now));
      const platform = taken?.platform === 'telegram' || taken?.platform === 'slack' ? taken.platform : null;
      const role = taken && platform ? await findRole(deps.db, platform, taken.userId, taken.scope) : null;
      if (!taken || !platform || role === null || !isRole(role)) {
        await auditWeb(deps, req, {
          action: 'web login',
          outcome: 'denied',
          detail: taken ? 'no role any more' : 'link unknown, used or expired',
        });
        return reply.code(401).send({
          error: 'link-refused',
          message: 'this login link was already used or has expired: ask for a new one with /web in chat',
        });
      }
      const secret = newSecret(SESSION_PREFIX);
      const ttlSec = deps.settings.sessionHours * 3600;
      const expiresAt = new Date(now + ttlSec * 1000);
      await insertSession(deps.db, {
        tokenHash: hashSecret(secret),
        platform,
        userId: taken.userId,
        scope: taken.scope,
        userName: taken.userName,
        createdAt: new Date(now),
        expiresAt,
      });
      const label = `${platform}:${taken.userId}`;
      req.identity = {
        kind: 'session',
        label,
        role,
        actor: { platform, userId: taken.userId, name: taken.userName ?? taken.userId },
      };
      await auditWeb(deps, req, { action: 'web login', outcome: 'ok', detail: `link #${taken.id}` });
      void reply.setCookie(SESSION_COOKIE, secret, cookieOpts(ttlSec));
      return {
        identity: label,
        name: taken.userName ?? taken.userId,
        kind: 'session' as const,
        role,
        csrfToken: csrfFor(secret),
        expiresAt: iso(expiresAt),
      };
    },
  );

  app.get(
    '/api/v1/session',
    {
      config: { access: 'viewer' },
      schema: {
        summary: 'who is calling, with which role, and the CSRF token of a browser session',
        tags: ['session'],
        response: { 200: zSession, ...GUARDED },
      },
    },
    async (req) => {
      const who = req.identity;
      if (!who) throw new Error('guard did not run');
      return {
        identity: who.label,
        name: who.actor.name ?? who.label,
        kind: who.kind,
        role: who.role,
        csrfToken: who.csrf ?? null,
      };
    },
  );

  app.delete(
    '/api/v1/session',
    {
      config: { access: 'viewer', mutates: true },
      schema: {
        summary: 'sign out: the session cookie stops working everywhere',
        tags: ['session'],
        response: { 200: z.object({ ok: z.boolean() }), ...GUARDED },
      },
    },
    async (req, reply) => {
      const hash = req.identity?.sessionHash;
      if (hash) await revokeSession(deps.db, hash, new Date(deps.clock.now()));
      await auditWeb(deps, req, { action: 'web logout', outcome: 'ok' });
      void reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return { ok: true };
    },
  );
}
