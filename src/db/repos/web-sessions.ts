// One-time login links (from the /web chat command) and the browser sessions they open. A link is
// taken once, before it expires, in the statement that marks it used; a session is a hash and an identity.
import { and, eq, gt, isNull, lt, or } from 'drizzle-orm';
import type { Db } from '../client.js';
import { webLoginLinks, webSessions } from '../schema/index.js';

export interface WebIdentityRow {
  platform: string;
  userId: string;
  scope: string;
  userName: string | null;
}

export async function insertLoginLink(
  db: Db,
  l: WebIdentityRow & { tokenHash: string; role: string; createdAt: Date; expiresAt: Date },
): Promise<void> {
  await db.insert(webLoginLinks).values(l);
}

/** Take a link: unused and unexpired → used now, returning its identity; otherwise null. */
export async function takeLoginLink(
  db: Db,
  tokenHash: string,
  now: Date,
): Promise<(WebIdentityRow & { id: number; role: string }) | null> {
  const [row] = await db
    .update(webLoginLinks)
    .set({ usedAt: now })
    .where(
      and(
        eq(webLoginLinks.tokenHash, tokenHash),
        isNull(webLoginLinks.usedAt),
        gt(webLoginLinks.expiresAt, now),
      ),
    )
    .returning({
      id: webLoginLinks.id,
      platform: webLoginLinks.platform,
      userId: webLoginLinks.userId,
      scope: webLoginLinks.scope,
      userName: webLoginLinks.userName,
      role: webLoginLinks.role,
    });
  return row ?? null;
}

/** Whether a link is still usable (the sign-in page asks before it shows its button). */
export async function loginLinkUsable(db: Db, tokenHash: string, now: Date): Promise<boolean> {
  const [row] = await db
    .select({ id: webLoginLinks.id })
    .from(webLoginLinks)
    .where(
      and(
        eq(webLoginLinks.tokenHash, tokenHash),
        isNull(webLoginLinks.usedAt),
        gt(webLoginLinks.expiresAt, now),
      ),
    );
  return row !== undefined;
}

export async function insertSession(
  db: Db,
  s: WebIdentityRow & { tokenHash: string; createdAt: Date; expiresAt: Date },
): Promise<void> {
  await db.insert(webSessions).values(s);
}

/** A live session by its hash, its last use stamped; null when unknown, expired or revoked. */
export async function useSession(
  db: Db,
  tokenHash: string,
  now: Date,
): Promise<(WebIdentityRow & { id: number; expiresAt: Date }) | null> {
  const [row] = await db
    .update(webSessions)
    .set({ lastSeenAt: now })
    .where(
      and(
        eq(webSessions.tokenHash, tokenHash),
        isNull(webSessions.revokedAt),
        gt(webSessions.expiresAt, now),
      ),
    )
    .returning({
      id: webSessions.id,
      platform: webSessions.platform,
      userId: webSessions.userId,
      scope: webSessions.scope,
      userName: webSessions.userName,
      expiresAt: webSessions.expiresAt,
    });
  return row ?? null;
}

export async function revokeSession(db: Db, tokenHash: string, now: Date): Promise<void> {
  await db
    .update(webSessions)
    .set({ revokedAt: now })
    .where(and(eq(webSessions.tokenHash, tokenHash), isNull(webSessions.revokedAt)));
}

/** Forget links and sessions that ended before `before` (they can no longer open anything). */
export async function pruneWebAuth(db: Db, before: Date): Promise<void> {
  await db.delete(webLoginLinks).where(lt(webLoginLinks.expiresAt, before));
  await db
    .delete(webSessions)
    .where(or(lt(webSessions.expiresAt, before), lt(webSessions.revokedAt, before)));
}
