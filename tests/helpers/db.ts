// Test databases: a fresh Postgres database per test file (real server), or an in-memory PGlite.
import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { migrateDb, openDb, type DbHandle } from '../../src/db/client.js';

export const TEST_PG_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

function withDb(url: string, db: string): string {
  const u = new URL(url);
  u.pathname = `/${db}`;
  return u.toString();
}

export interface TestDb extends DbHandle {
  readonly url: string;
}

/** Create, migrate and return a brand-new Postgres database; close() drops it. */
export async function freshPgDb(): Promise<TestDb> {
  const name = `bosun_t_${randomBytes(5).toString('hex')}`;
  const admin = postgres(TEST_PG_URL, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  await admin.end();
  const url = withDb(TEST_PG_URL, name);
  const h = await openDb({ url, max: 4 });
  await migrateDb(h);
  return {
    ...h,
    url,
    close: async () => {
      await h.close();
      const a = postgres(TEST_PG_URL, { max: 1, onnotice: () => {} });
      await a.unsafe(`drop database if exists ${name} with (force)`);
      await a.end();
    },
  };
}

/** An in-memory embedded database, migrated. */
export async function freshPgliteDb(): Promise<DbHandle> {
  const h = await openDb({ dataDir: 'memory://' });
  await migrateDb(h);
  return h;
}
