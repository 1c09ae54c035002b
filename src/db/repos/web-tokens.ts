// API tokens for scripts (`bosun tokens create|list|revoke`): a name, a role and the token's hash.
// Plain functions taking `db` first; a revoked token stays listed (when and by whom) but never matches.
import { and, asc, eq, isNull } from 'drizzle-orm';
import type { Db } from '../client.js';
import { webApiTokens } from '../schema/index.js';

export interface ApiTokenRow {
  id: number;
  name: string;
  role: string;
  hint: string;
  createdBy: string | null;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

const listColumns = {
  id: webApiTokens.id,
  name: webApiTokens.name,
  role: webApiTokens.role,
  hint: webApiTokens.hint,
  createdBy: webApiTokens.createdBy,
  createdAt: webApiTokens.createdAt,
  lastUsedAt: webApiTokens.lastUsedAt,
  revokedAt: webApiTokens.revokedAt,
};

/** Insert a token; null when a live token already has this name. */
export async function insertApiToken(
  db: Db,
  t: { name: string; role: string; tokenHash: string; hint: string; createdBy: string },
): Promise<number | null> {
  return db.transaction(async (tx) => {
    const live = await tx
      .select({ id: webApiTokens.id })
      .from(webApiTokens)
      .where(and(eq(webApiTokens.name, t.name), isNull(webApiTokens.revokedAt)))
      .for('update');
    if (live.length > 0) return null;
    const [row] = await tx.insert(webApiTokens).values(t).returning({ id: webApiTokens.id });
    return row?.id ?? null;
  });
}

export async function listApiTokens(db: Db): Promise<ApiTokenRow[]> {
  return db.select(listColumns).from(webApiTokens).orderBy(asc(webApiTokens.id));
}

/** Revoke the live token of this name; returns how many were revoked (0 or 1). */
export async function revokeApiToken(db: Db, name: string, at: Date): Promise<number> {
  const rows = await db
    .update(webApiTokens)
    .set({ revokedAt: at })
    .where(and(eq(webApiTokens.name, name), isNull(webApiTokens.revokedAt)))
    .returning({ id: webApiTokens.id });
  return rows.length;
}

/** The live token with this hash, its last use stamped. */
export async function useApiToken(db: Db, tokenHash: string, at: Date): Promise<ApiTokenRow | null> {
  const [row] = await db
    .update(webApiTokens)
    .set({ lastUsedAt: at })
    .where(and(eq(webApiTokens.tokenHash, tokenHash), isNull(webApiTokens.revokedAt)))
    .returning(listColumns);
  return row ?? null;
}
