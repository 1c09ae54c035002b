// Database access: Postgres through postgres.js when DATABASE_URL is set, else embedded PGlite under
// BOSUN_DATA_DIR. One Drizzle schema and one ./drizzle migrations folder serve both.
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { sql } from 'drizzle-orm';
import { lockEmbedded } from './embedded-lock.js';
import { rows } from './rows.js';
import * as schema from './schema/index.js';

export { rows };

export type Schema = typeof schema;
export type Db = PgDatabase<PgQueryResultHKT, Schema>;
export type DbKind = 'postgres' | 'pglite';

export interface DbHandle {
  readonly db: Db;
  readonly kind: DbKind;
  /** Human description without credentials, for logs and `doctor`. */
  readonly where: string;
  close(): Promise<void>;
}

export const MIGRATIONS_DIR = fileURLToPath(new URL('../../drizzle', import.meta.url));

export interface OpenDbOptions {
  /** Postgres URL; undefined selects the embedded database. */
  url?: string | undefined;
  /** Directory for the embedded database; 'memory://' for an in-memory one. */
  dataDir?: string;
  /** Pool size for postgres.js. */
  max?: number;
}

/** Strip credentials so a URL can be shown. */
export function describeUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.hostname}${u.port ? `:${u.port}` : ''}${u.pathname}`;
  } catch {
    return '(unparseable database URL)';
  }
}

/** Index (0-based) of the migration that added fills.trade_pnl and positions.trade_base. */
const TRADE_RESULTS_MIGRATION = 3;

export async function openDb(opts: OpenDbOptions): Promise<DbHandle> {
  if (opts.url) {
    const { default: postgres } = await import('postgres');
    const { drizzle } = await import('drizzle-orm/postgres-js');
    const client = postgres(opts.url, { max: opts.max ?? 10, onnotice: () => {}, connect_timeout: 5 });
    const { preparing } = await import('./prepared.js');
    const db = drizzle(preparing(client), { schema }) as unknown as Db;
    return { db, kind: 'postgres', where: describeUrl(opts.url), close: () => client.end({ timeout: 5 }) };
  }
  const { PGlite } = await import('@electric-sql/pglite');
  const { drizzle } = await import('drizzle-orm/pglite');
  const dir = opts.dataDir ?? './.bosun/db';
  let unlock = (): void => {};
  if (!dir.startsWith('memory://')) {
    mkdirSync(dir, { recursive: true });
    unlock = lockEmbedded(dir);
  }
  const client = new PGlite(dir);
  try {
    await client.waitReady;
  } catch (e) {
    unlock();
    throw e;
  }
  const db = drizzle(client, { schema }) as unknown as Db;
  // An unclosed PGlite keeps the process alive; close() is idempotent here.
  let closed = false;
  return {
    db,
    kind: 'pglite',
    where: `embedded database at ${dir}`,
    close: async () => {
      if (closed) return;
      closed = true;
      try {
        await client.close();
      } finally {
        unlock();
      }
    },
  };
}

/** Apply pending migrations; returns how many were applied (0 when up to date). */
export async function migrateDb(h: DbHandle): Promise<{ applied: number; total: number }> {
  const before = await appliedMigrations(h.db);
  if (h.kind === 'postgres') {
    const { migrate } = await import('drizzle-orm/postgres-js/migrator');
    // The cast is sound: both drizzle flavours share PgDatabase; the migrator only needs its dialect.
    await migrate(h.db as unknown as Parameters<typeof migrate>[0], { migrationsFolder: MIGRATIONS_DIR });
  } else {
    const { migrate } = await import('drizzle-orm/pglite/migrator');
    await migrate(h.db as unknown as Parameters<typeof migrate>[0], { migrationsFolder: MIGRATIONS_DIR });
  }
  const after = await appliedMigrations(h.db);
  // 0003 added stored trade results; a database with history gets them computed once, here.
  if (before > 0 && before <= TRADE_RESULTS_MIGRATION && after > TRADE_RESULTS_MIGRATION) {
    const { backfillTradeResults } = await import('./repos/trade-results.js');
    await backfillTradeResults(h.db);
  }
  return { applied: after - before, total: after };
}

/** Count of applied migrations (0 when the journal table does not exist yet). */
export async function appliedMigrations(db: Db): Promise<number> {
  const exists = await db.execute(
    sql`select to_regclass('drizzle.__drizzle_migrations') is not null as present`,
  );
  const first = rows<{ present: boolean }>(exists)[0];
  if (!first?.present) return 0;
  const res = await db.execute(sql`select count(*)::int as n from drizzle.__drizzle_migrations`);
  return Number(rows<{ n: string | number }>(res)[0]?.n ?? 0);
}
