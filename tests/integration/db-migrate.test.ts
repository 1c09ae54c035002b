import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Decimal } from '../../src/domain/decimal.js';
import { appliedMigrations, openDb, type DbHandle } from '../../src/db/client.js';
import { balances, fills } from '../../src/db/schema/index.js';
import { freshPgDb, freshPgliteDb, type TestDb } from '../helpers/db.js';
import { runBosun } from '../helpers/cli.js';
import postgres from 'postgres';
import { readdirSync } from 'node:fs';
import { MIGRATIONS_DIR } from '../../src/db/client.js';

const N = readdirSync(MIGRATIONS_DIR).filter((f) => f.endsWith('.sql')).length;

describe('bosun migrate', () => {
  it('creates the embedded database when DATABASE_URL is unset, and is a no-op the second time', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bosun-mig-'));
    const env = { DATABASE_URL: undefined, BOSUN_DATA_DIR: dir };
    const first = await runBosun(['migrate'], { env });
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(
      new RegExp(`applied ${N} migration\\(s\\), ${N} in total — embedded database at `),
    );
    const second = await runBosun(['migrate'], { env });
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(`database is up to date (${N} migrations)`);
    const h = await openDb({ dataDir: join(dir, 'db') });
    expect(await appliedMigrations(h.db)).toBe(N);
    expect(N).toBeGreaterThanOrEqual(2);
    await h.close();
    // Two CLI start-ups and three embedded (WASM) Postgres boots: well over the default bound when the
    // machine is busy with the chaos suite alongside.
  }, 90_000);

  it('migrates a fresh Postgres database, and is a no-op the second time', async () => {
    const name = `bosun_mig_${Date.now()}`;
    const admin = postgres(process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test', {
      max: 1,
      onnotice: () => {},
    });
    await admin.unsafe(`create database ${name}`);
    try {
      const url = `postgres://postgres@127.0.0.1:5432/${name}`;
      const first = await runBosun(['migrate'], { env: { DATABASE_URL: url } });
      expect(first.code).toBe(0);
      expect(first.stdout).toContain(
        `applied ${N} migration(s), ${N} in total — postgres://127.0.0.1:5432/${name}`,
      );
      const second = await runBosun(['migrate'], { env: { DATABASE_URL: url } });
      expect(second.stdout).toContain('database is up to date');
      const db = postgres(url, { max: 1, onnotice: () => {} });
      const tables = await db.unsafe(
        `select tablename from pg_tables where schemaname = 'public' order by 1`,
      );
      await db.end();
      expect(tables.map((t) => t.tablename)).toEqual(
        expect.arrayContaining(['orders', 'fills', 'intents', 'approvals', 'audit_log', 'idempotency_keys']),
      );
    } finally {
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end();
    }
  });
});

describe.each([
  ['postgres', freshPgDb],
  ['pglite', freshPgliteDb],
] as const)('money columns on %s', (_kind, make) => {
  let h: DbHandle | TestDb;
  beforeAll(async () => {
    h = await make();
  });
  afterAll(async () => {
    await h?.close();
  });

  it('round-trip Decimal values exactly (no float anywhere)', async () => {
    const qty = new Decimal('0.000000000000000001');
    const price = new Decimal('65000.123456789012345678');
    await h.db.insert(fills).values({
      execId: 'e-1',
      category: 'linear',
      symbol: 'BTCUSDT',
      side: 'Buy',
      qty,
      price,
      fee: new Decimal('-0.000000000000000035'),
      feeCurrency: 'USDT',
      execTime: 1,
    });
    const [row] = await h.db.select().from(fills).where(eq(fills.execId, 'e-1'));
    expect(row?.qty).toBeInstanceOf(Decimal);
    expect(row?.qty.toFixed()).toBe('0.000000000000000001');
    expect(row?.price.toFixed()).toBe('65000.123456789012345678');
    expect(row?.fee.toFixed()).toBe('-0.000000000000000035');
    expect(row?.price.mul(row.qty).toFixed()).toBe('0.000000000000065000123456789012345678');
  });

  it('enforces that a fill (exec id) is stored once', async () => {
    const v = {
      execId: 'dup-1',
      category: 'linear',
      symbol: 'BTCUSDT',
      side: 'Buy',
      qty: new Decimal('1'),
      price: new Decimal('1'),
      fee: new Decimal('0'),
      feeCurrency: 'USDT',
      execTime: 1,
    };
    await h.db.insert(fills).values(v);
    await expect(h.db.insert(fills).values(v)).rejects.toThrow();
    const n = await h.db.insert(fills).values(v).onConflictDoNothing().returning();
    expect(n).toHaveLength(0);
  });

  it('rolls back a failed transaction completely', async () => {
    await expect(
      h.db.transaction(async (tx) => {
        await tx.insert(balances).values({
          coin: 'USDT',
          walletBalance: new Decimal('10'),
          available: new Decimal('10'),
          equity: new Decimal('10'),
        });
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(await h.db.select().from(balances)).toHaveLength(0);
  });
});
