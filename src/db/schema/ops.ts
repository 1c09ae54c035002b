// Operations: trading state (kill switch), risk overrides, alerts, audit chain, chat users and pending
// confirmations, secrets, backtest runs and the idempotency keys every job writes with its effect.
import {
  bigint,
  bigserial,
  check,
  customType,
  integer,
  jsonb,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';
import { sql } from 'drizzle-orm';

const bytea = customType<{ data: Buffer; driverData: Buffer | Uint8Array }>({
  dataType() {
    return 'bytea';
  },
  fromDriver(v: Buffer | Uint8Array): Buffer {
    return Buffer.isBuffer(v) ? v : Buffer.from(v);
  },
});

export const tradingState = pgTable(
  'trading_state',
  {
    id: integer('id').primaryKey().default(1),
    /** ACTIVE | REDUCING | HALTED */
    state: text('state').notNull().default('ACTIVE'),
    reason: text('reason'),
    changedBy: text('changed_by'),
    changedAt: timestamp('changed_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [check('trading_state_singleton', sql`${t.id} = 1`)],
);

/**
 * Bumped by every approved order that can add exposure, in the statement that writes it, and only if it
 * still holds the value the decision read: two decisions made on the same view of the account cannot
 * both pass a limit that only one of them fits (the second is decided again with the first counted).
 */
export const exposureClock = pgTable(
  'exposure_clock',
  {
    id: integer('id').primaryKey().default(1),
    version: bigint('version', { mode: 'number' }).notNull().default(0),
  },
  (t) => [check('exposure_clock_singleton', sql`${t.id} = 1`)],
);

export const riskSettings = pgTable('risk_settings', {
  key: text('key').primaryKey(),
  value: text('value').notNull(),
  updatedBy: text('updated_by'),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

export const alerts = pgTable('alerts', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  kind: text('kind').notNull(),
  severity: text('severity').notNull().default('info'),
  title: text('title').notNull(),
  body: text('body').notNull().default(''),
  dedupeKey: text('dedupe_key').unique(),
  payload: jsonb('payload').$type<Record<string, unknown>>().notNull().default({}),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  sentAt: timestamp('sent_at', { withTimezone: true }),
});

export const auditLog = pgTable('audit_log', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  ts: bigint('ts', { mode: 'number' }).notNull(),
  actor: text('actor').notNull(),
  platform: text('platform'),
  chatId: text('chat_id'),
  action: text('action').notNull(),
  args: jsonb('args').$type<Record<string, unknown>>().notNull().default({}),
  outcome: text('outcome').notNull(),
  detail: text('detail'),
  prevHash: text('prev_hash').notNull(),
  hash: text('hash').notNull().unique(),
});

export const chatUsers = pgTable(
  'chat_users',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    platform: text('platform').notNull(),
    userId: text('user_id').notNull(),
    /** Chat (Telegram) or workspace (Slack team) the grant holds in; '*' = any. */
    scope: text('scope').notNull().default('*'),
    role: text('role').notNull(),
    addedBy: text('added_by'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('chat_users_identity_uq').on(t.platform, t.userId, t.scope)],
);

/**
 * Destructive chat commands waiting for their asker's confirmation (`kill`, `close all`). In Postgres so
 * any gateway process can take a code another one handed out, and a restart forgets none. Holds the
 * command name and its argument tokens only (re-parsed when confirmed), never secrets.
 */
export const chatConfirmations = pgTable('chat_confirmations', {
  code: text('code').primaryKey(),
  /** `platform:userId` of the asker: only they may confirm or cancel. */
  userKey: text('user_key').notNull(),
  command: text('command').notNull(),
  args: jsonb('args').$type<string[]>().notNull(),
  /** Epoch ms by the gateway's injected clock (not the database's), so expiry follows that clock. */
  expiresAt: bigint('expires_at', { mode: 'number' }).notNull(),
});

export const secrets = pgTable(
  'secrets',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    name: text('name').notNull(),
    env: text('env').notNull(),
    /** Which master key wrapped the data key (its fingerprint), so rotation can resume. */
    keyId: text('key_id').notNull(),
    wrappedKey: bytea('wrapped_key').notNull(),
    ciphertext: bytea('ciphertext').notNull(),
    last4: text('last4').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    lastUsedAt: timestamp('last_used_at', { withTimezone: true }),
  },
  (t) => [uniqueIndex('secrets_name_env_uq').on(t.name, t.env)],
);

export const backtestRuns = pgTable('backtest_runs', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  requestedBy: text('requested_by'),
  strategy: text('strategy').notNull(),
  symbol: text('symbol'),
  interval: text('interval'),
  params: jsonb('params').$type<Record<string, unknown>>().notNull().default({}),
  dataSource: text('data_source').notNull(),
  /** queued | running | done | failed */
  status: text('status').notNull().default('queued'),
  stats: jsonb('stats').$type<Record<string, unknown>>(),
  chart: bytea('chart'),
  error: text('error'),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  finishedAt: timestamp('finished_at', { withTimezone: true }),
});

export const idempotencyKeys = pgTable('idempotency_keys', {
  key: text('key').primaryKey(),
  job: text('job').notNull(),
  result: jsonb('result').$type<Record<string, unknown>>(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});
