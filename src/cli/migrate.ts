// `bosun migrate`: apply migrations to DATABASE_URL or to the embedded database.
import { join } from 'node:path';
import { migrateDb, openDb } from '../db/client.js';
import type { Env } from '../platform/env.js';
import { line, type CliIo } from './io.js';

export const MIGRATE_HELP = `usage: bosun migrate

Applies pending database migrations to DATABASE_URL, or to the embedded database
under BOSUN_DATA_DIR (default ./.bosun) when DATABASE_URL is unset. Safe to re-run.`;

export function embeddedDir(env: Env): string {
  return join(env.dataDir, 'db');
}

export async function runMigrate(env: Env, io: CliIo): Promise<number> {
  const h = await openDb({ url: env.databaseUrl, dataDir: embeddedDir(env), max: 1 });
  try {
    const r = await migrateDb(h);
    line(
      io.stdout,
      r.applied === 0
        ? `database is up to date (${r.total} migrations) — ${h.where}`
        : `applied ${r.applied} migration(s), ${r.total} in total — ${h.where}`,
    );
    return 0;
  } finally {
    await h.close();
  }
}
