// Migration 0009 on a database the legacy engine wrote: its intents, orders and fills (written through the
// legacy repositories) go to the books they came from, and a kernel restored from it holds the venue's net.
// The same rows written on the new schema by the legacy engine are given the same books at takeover.
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { asc, sql } from 'drizzle-orm';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MIGRATIONS_DIR, migrateDb, openDb, rows, type Db, type DbHandle } from '../../src/db/client.js';
import { bookPositions, rebuildBookPositions } from '../../src/db/repos/kernel-books.js';
import { loadKernelSnapshot } from '../../src/db/repos/kernel-store.js';
import { submittedOrder } from '../../src/db/repos/orders.js';
import { recordFill } from '../../src/db/repos/positions.js';
import { writeProposal } from '../../src/db/repos/proposals.js';
import { fills, intents, orders, positions, strategyInstances } from '../../src/db/schema/index.js';
import { dec } from '../../src/domain/decimal.js';
import type { Fill } from '../../src/domain/fill.js';
import { makeIntentId, orderLinkIdFor } from '../../src/domain/ids.js';
import type { Side } from '../../src/domain/side.js';
import { Kernel } from '../../src/kernel/kernel.js';
import { freshPgDb, freshPgliteDb, TEST_PG_URL } from '../helpers/db.js';
import { autoApprovals, instanceOf, instrument, limits, scripted } from '../helpers/kernel.js';

const BTC = instrument('BTCUSDT');
const T = Date.UTC(2025, 5, 1);
const LEGACY = [
  'strategy_instances',
  'intents',
  'risk_decisions',
  'orders',
  'order_events',
  'fills',
  'positions',
];

/** The migrations folder as it stood before 0009. */
function migrationsBefore0009(): string {
  const dir = mkdtempSync(join(tmpdir(), 'bosun-mig8-'));
  mkdirSync(join(dir, 'meta'));
  for (const f of readdirSync(MIGRATIONS_DIR).filter((f) => f.endsWith('.sql') && !f.startsWith('0009')))
    copyFileSync(join(MIGRATIONS_DIR, f), join(dir, f));
  const journal = JSON.parse(readFileSync(join(MIGRATIONS_DIR, 'meta', '_journal.json'), 'utf8')) as {
    entries: { idx: number }[];
  };
  journal.entries = journal.entries.filter((e) => e.idx < 9);
  writeFileSync(join(dir, 'meta', '_journal.json'), JSON.stringify(journal));
  return dir;
}

/** A database at migration 0008, on Postgres or in memory. */
async function databaseAt0008(kind: 'postgres' | 'pglite'): Promise<DbHandle> {
  const folder = migrationsBefore0009();
  if (kind === 'pglite') {
    const h = await openDb({ dataDir: 'memory://' });
    const { migrate } = await import('drizzle-orm/pglite/migrator');
    await migrate(h.db as unknown as Parameters<typeof migrate>[0], { migrationsFolder: folder });
    return h;
  }
  const name = `bosun_t8_${randomBytes(5).toString('hex')}`;
  const admin = postgres(TEST_PG_URL, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  await admin.end();
  const u = new URL(TEST_PG_URL);
  u.pathname = `/${name}`;
  const h = await openDb({ url: u.toString(), max: 2 });
  const { migrate } = await import('drizzle-orm/postgres-js/migrator');
  await migrate(h.db as unknown as Parameters<typeof migrate>[0], { migrationsFolder: folder });
  return {
    ...h,
    close: async () => {
      await h.close();
      const a = postgres(TEST_PG_URL, { max: 1, onnotice: () => {} });
      await a.unsafe(`drop database if exists ${name} with (force)`);
      await a.end();
    },
  };
}

/** Copy the legacy tables row for row (columns the older schema has) from one database to another. */
async function copyLegacyRows(from: Db, to: Db): Promise<void> {
  for (const t of LEGACY) {
    const [r] = rows<{ j: string }>(
      await from.execute(sql.raw(`select coalesce(json_agg(t), '[]'::json)::text as j from ${t} t`)),
    );
    await to.execute(
      sql`insert into ${sql.identifier(t)} select * from json_populate_recordset(null::${sql.identifier(t)}, ${r?.j ?? '[]'}::json)`,
    );
  }
}

let seed = 0;
/** What the legacy engine wrote for an intent and its order (one statement, as a tick or a chat command). */
async function legacyOrder(
  db: Db,
  o: { instance: string | null; source: string; leg?: string; side: Side; qty: string },
): Promise<string> {
  seed += 1;
  const qty = dec(o.qty);
  const ref = makeIntentId(T + seed, new Uint8Array(8).fill(seed));
  const link = orderLinkIdFor(ref, 1);
  const order = submittedOrder(
    {
      type: 'OrderCreated',
      ts: T + seed,
      orderLinkId: link,
      intentId: ref,
      symbol: 'BTCUSDT',
      category: 'linear',
      side: o.side,
      orderType: 'Market',
      qty,
      price: null,
      timeInForce: 'IOC',
      reduceOnly: o.leg === 'exit',
    },
    T + seed,
  );
  const w = await writeProposal(
    db,
    {
      ref,
      source: o.source,
      strategyInstanceId: o.instance,
      candleTime: o.instance ? T + seed : null,
      leg: o.leg ?? 'entry',
      category: 'linear',
      symbol: 'BTCUSDT',
      side: o.side,
      orderType: 'Market',
      qty,
      reduceOnly: o.leg === 'exit',
      status: 'approved',
    },
    { outcome: 'approved', qty, price: dec('50000'), notional: qty.mul(50000), reasons: [] },
    undefined,
    { order, allowedStates: ['ACTIVE'] },
  );
  expect(w?.order).not.toBeNull();
  return link;
}

async function legacyFill(
  db: Db,
  f: {
    id: string;
    link: string | null;
    instance: string | null;
    side: Side;
    qty: string;
    price: string;
    ts: number;
  },
): Promise<void> {
  const fill: Fill = {
    tradeId: f.id,
    orderLinkId: f.link,
    symbol: 'BTCUSDT',
    side: f.side,
    qty: dec(f.qty),
    price: dec(f.price),
    fee: dec(f.qty).mul(dec(f.price)).mul(dec('0.00055')),
    feeCurrency: 'USDT',
    ts: f.ts,
  };
  const r = await db.transaction((tx) =>
    recordFill(tx, BTC, fill, {
      orderId: null,
      category: 'linear',
      execType: 'Trade',
      strategyInstanceId: f.instance,
    }),
  );
  expect(r.kind).toBe('recorded');
}

/** A history as the legacy engine leaves it: a strategy's round trip, an operator's buy, a trade made elsewhere. */
async function writeLegacyHistory(db: Db): Promise<void> {
  await db.insert(strategyInstances).values({
    id: 'sma-1',
    strategy: 'sma-cross',
    symbol: 'BTCUSDT',
    category: 'linear',
    interval: '1',
  });
  const buy = await legacyOrder(db, { instance: 'sma-1', source: 'strategy', side: 'Buy', qty: '0.02' });
  const manual = await legacyOrder(db, { instance: null, source: 'manual', side: 'Buy', qty: '0.03' });
  const sell = await legacyOrder(db, {
    instance: 'sma-1',
    source: 'strategy',
    leg: 'exit',
    side: 'Sell',
    qty: '0.01',
  });
  await legacyFill(db, {
    id: 'x1',
    link: buy,
    instance: 'sma-1',
    side: 'Buy',
    qty: '0.015',
    price: '50000',
    ts: T + 10,
  });
  // The rest of the same order, pulled over REST by a path that did not know its instance.
  await legacyFill(db, {
    id: 'x2',
    link: buy,
    instance: null,
    side: 'Buy',
    qty: '0.005',
    price: '50010',
    ts: T + 11,
  });
  await legacyFill(db, {
    id: 'x3',
    link: manual,
    instance: null,
    side: 'Buy',
    qty: '0.03',
    price: '50100',
    ts: T + 20,
  });
  await legacyFill(db, {
    id: 'x4',
    link: sell,
    instance: 'sma-1',
    side: 'Sell',
    qty: '0.01',
    price: '50500',
    ts: T + 30,
  });
  // Bought on the venue's own app: found by reconcile, no order of ours.
  await legacyFill(db, {
    id: 'x5',
    link: null,
    instance: null,
    side: 'Buy',
    qty: '0.004',
    price: '50600',
    ts: T + 40,
  });
}

async function books(db: Db) {
  return {
    intents: (
      await db.select({ book: intents.book, purpose: intents.purpose }).from(intents).orderBy(asc(intents.id))
    ).map((r) => `${r.book}/${r.purpose}`),
    orders: (
      await db.select({ book: orders.book, purpose: orders.purpose }).from(orders).orderBy(asc(orders.id))
    ).map((r) => `${r.book}/${r.purpose}`),
    fills: (await db.select({ id: fills.execId, book: fills.book }).from(fills).orderBy(asc(fills.id))).map(
      (r) => `${r.id}:${r.book}`,
    ),
  };
}

const EXPECTED = {
  intents: ['sma-1/entry', 'manual/manual', 'sma-1/exit'],
  orders: ['sma-1/entry', 'manual/entry', 'sma-1/exit'],
  fills: ['x1:sma-1', 'x2:sma-1', 'x3:manual', 'x4:sma-1', 'x5:external'],
};

describe.each([
  ['postgres', freshPgDb, 'postgres'],
  ['pglite', freshPgliteDb, 'pglite'],
] as const)('migration 0009 on %s', (_name, fresh, kind) => {
  let legacy: DbHandle;
  let upgraded: DbHandle;
  beforeAll(async () => {
    // The legacy engine writes through its own repositories (on the current schema, books left empty) ...
    legacy = await fresh();
    await writeLegacyHistory(legacy.db);
    // ... and the same rows sit in a database that predates 0009, which then migrates.
    upgraded = await databaseAt0008(kind);
    await copyLegacyRows(legacy.db, upgraded.db);
    await migrateDb(upgraded);
  }, 60_000);
  afterAll(async () => {
    await legacy?.close();
    await upgraded?.close();
  });

  it('gives every intent, order and fill the book it came from', async () => {
    expect(await books(upgraded.db)).toEqual(EXPECTED);
  });

  it('assigns the same books at takeover to rows the legacy engine wrote after the migration', async () => {
    expect((await books(legacy.db)).fills.every((f) => f.endsWith(':null'))).toBe(true);
    await loadKernelSnapshot(legacy.db, [BTC]);
    expect(await books(legacy.db)).toEqual(EXPECTED);
  });

  it('folds each book from its fills, and their sum is the venue net', async () => {
    await rebuildBookPositions(upgraded.db);
    const [btc] = await bookPositions(upgraded.db);
    expect(btc?.books.map((b) => [b.book, b.size.toFixed()])).toEqual([
      ['external', '0.004'],
      ['manual', '0.03'],
      ['sma-1', '0.01'],
    ]);
    const sma = btc?.books.find((b) => b.book === 'sma-1');
    // 0.015 @ 50000 + 0.005 @ 50010 averages 50002.5; 0.01 sold at 50500 realizes 4.975.
    expect(sma?.avgEntry?.toFixed()).toBe('50002.5');
    expect(sma?.realizedPnl.toFixed()).toBe('4.975');
    const [net] = await upgraded.db.select().from(positions);
    expect(btc?.net.toFixed()).toBe(net?.size.toFixed());
    expect(btc?.net.toFixed()).toBe('0.044');
  });

  it('restores a kernel whose books hold what the legacy engine traded', async () => {
    const snap = await loadKernelSnapshot(upgraded.db, [BTC]);
    const k = new Kernel(
      {
        instances: [instanceOf('sma-1', scripted('idle', {}))],
        instruments: [BTC],
        limits: limits(),
        approvals: autoApprovals(),
        approvalTtlMs: 120_000,
        quoteCoin: 'USDT',
        startingCash: dec('10000'),
        journal: true,
      },
      () => 'r',
    );
    k.restore(snap);
    expect(k.account.ledger.netSize('linear', 'BTCUSDT').toFixed()).toBe('0.044');
    expect(k.account.ledger.position('sma-1', 'linear', 'BTCUSDT').size.toFixed()).toBe('0.01');
    expect(k.account.ledger.position('manual', 'linear', 'BTCUSDT').size.toFixed()).toBe('0.03');
    expect(k.account.ledger.position('external', 'linear', 'BTCUSDT').size.toFixed()).toBe('0.004');
    // The legacy orders were all Submitted and never acknowledged: they are still open for the kernel.
    expect(snap.orders.map((o) => [o.order.book, o.order.purpose])).toEqual([
      ['sma-1', 'entry'],
      ['manual', 'entry'],
      ['sma-1', 'exit'],
    ]);
  });
});
