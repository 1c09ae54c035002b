// The chat allow-list: who may use the bot, with which role, in which chat or workspace ('*' = any).
// Plain functions taking `db` first; deny by default (no row, no access).
import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../client.js';
import { chatUsers } from '../schema/index.js';

export const USER_PLATFORMS = ['telegram', 'slack'] as const;
export type UserPlatform = (typeof USER_PLATFORMS)[number];
export const USER_ROLES = ['viewer', 'trader', 'approver', 'admin'] as const;
export type UserRole = (typeof USER_ROLES)[number];

export interface ChatUser {
  platform: string;
  userId: string;
  scope: string;
  role: UserRole;
  addedBy: string | null;
  createdAt: Date;
}

function asRole(s: string): UserRole | null {
  return (USER_ROLES as readonly string[]).includes(s) ? (s as UserRole) : null;
}

function rank(r: UserRole): number {
  return USER_ROLES.indexOf(r);
}

/** Add or change a grant; returns the previous role for that (platform, user, scope), if any. */
export async function upsertChatUser(
  db: Db,
  u: { platform: string; userId: string; scope?: string; role: UserRole; addedBy?: string },
): Promise<{ previous: UserRole | null }> {
  const scope = u.scope ?? '*';
  return db.transaction(async (tx) => {
    const [prev] = await tx
      .select({ role: chatUsers.role })
      .from(chatUsers)
      .where(
        and(eq(chatUsers.platform, u.platform), eq(chatUsers.userId, u.userId), eq(chatUsers.scope, scope)),
      );
    await tx
      .insert(chatUsers)
      .values({ platform: u.platform, userId: u.userId, scope, role: u.role, addedBy: u.addedBy ?? null })
      .onConflictDoUpdate({
        target: [chatUsers.platform, chatUsers.userId, chatUsers.scope],
        set: { role: u.role, addedBy: u.addedBy ?? null },
      });
    return { previous: prev ? asRole(prev.role) : null };
  });
}

/** Remove grants (one scope, or every scope when scope is undefined); returns how many were removed. */
export async function removeChatUser(
  db: Db,
  platform: string,
  userId: string,
  scope?: string,
): Promise<number> {
  const where = scope
    ? and(eq(chatUsers.platform, platform), eq(chatUsers.userId, userId), eq(chatUsers.scope, scope))
    : and(eq(chatUsers.platform, platform), eq(chatUsers.userId, userId));
  const gone = await db.delete(chatUsers).where(where).returning({ id: chatUsers.id });
  return gone.length;
}

export async function listChatUsers(db: Db): Promise<ChatUser[]> {
  const rows = await db
    .select()
    .from(chatUsers)
    .orderBy(asc(chatUsers.platform), asc(chatUsers.userId), asc(chatUsers.scope));
  const out: ChatUser[] = [];
  for (const r of rows) {
    const role = asRole(r.role);
    if (role) out.push({ ...r, role });
  }
  return out;
}

/** The highest role granted to this user in this scope or in '*'; null when there is none. */
export async function findRole(
  db: Db,
  platform: string,
  userId: string,
  scope: string,
): Promise<UserRole | null> {
  const rows = await db
    .select({ role: chatUsers.role })
    .from(chatUsers)
    .where(
      and(
        eq(chatUsers.platform, platform),
        eq(chatUsers.userId, userId),
        inArray(chatUsers.scope, scope === '*' ? ['*'] : [scope, '*']),
      ),
    );
  let best: UserRole | null = null;
  for (const r of rows) {
    const role = asRole(r.role);
    if (role && (best === null || rank(role) > rank(best))) best = role;
  }
  return best;
}

/** Grants at or above a role, e.g. everyone who may approve trades. */
export async function usersWithRoleAtLeast(db: Db, role: UserRole): Promise<ChatUser[]> {
  const all = await listChatUsers(db);
  return all.filter((u) => rank(u.role) >= rank(role));
}

export async function countAdmins(db: Db): Promise<number> {
  const [r] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(chatUsers)
    .where(eq(chatUsers.role, 'admin'));
  return Number(r?.n ?? 0);
}

/** BOSUN_ADMINS at start: make sure each listed identity is an admin everywhere. */
export async function bootstrapAdmins(
  db: Db,
  admins: readonly { platform: 'telegram' | 'slack'; userId: string }[],
): Promise<number> {
  let changed = 0;
  for (const a of admins) {
    const { previous } = await upsertChatUser(db, {
      ...a,
      scope: '*',
      role: 'admin',
      addedBy: 'BOSUN_ADMINS',
    });
    if (previous !== 'admin') changed++;
  }
  return changed;
}
