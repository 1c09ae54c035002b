// The web dashboard and REST API: API tokens for scripts, one-time login links handed out in chat, and
// the browser sessions they open. Only SHA-256 hashes of the secrets are stored, never the secrets.
import { bigserial, index, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';

export const webApiTokens = pgTable(
  'web_api_tokens',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    /** A label chosen by the operator (`ci`), unique among tokens not revoked. */
    name: text('name').notNull(),
    role: text('role').notNull(),
    tokenHash: text('token_hash').notNull(),
    /** The token's first characters, shown in `tokens list` so an operator can tell tokens apart. */
    hint: text('hint').notNull(),
    createdBy: text('created_by'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    lastUsedAt: timestamp('last_used_at', { withTimezone: true }),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
  },
  (t) => [uniqueIndex('web_api_tokens_hash_uq').on(t.tokenHash), index('web_api_tokens_name_ix').on(t.name)],
);

export const webLoginLinks = pgTable(
  'web_login_links',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    tokenHash: text('token_hash').notNull(),
    /** The chat identity that asked with /web, and the chat or workspace its grant is looked up in. */
    platform: text('platform').notNull(),
    userId: text('user_id').notNull(),
    scope: text('scope').notNull(),
    userName: text('user_name'),
    role: text('role').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    usedAt: timestamp('used_at', { withTimezone: true }),
  },
  (t) => [uniqueIndex('web_login_links_hash_uq').on(t.tokenHash)],
);

export const webSessions = pgTable(
  'web_sessions',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    tokenHash: text('token_hash').notNull(),
    platform: text('platform').notNull(),
    userId: text('user_id').notNull(),
    scope: text('scope').notNull(),
    userName: text('user_name'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    lastSeenAt: timestamp('last_seen_at', { withTimezone: true }),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
  },
  (t) => [uniqueIndex('web_sessions_hash_uq').on(t.tokenHash)],
);
