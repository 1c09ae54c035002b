// Tick leases: while a tick acts on a strategy instance no other tick of it may, so each decides on a
// position that includes the orders the one before it sent. Unlogged (no WAL flush on the tick's path).
import { and, eq, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../client.js';
import { prebuilt, type Placeholders } from '../prebuilt.js';
import { accountColumns, parseAccountState, type AccountRaw, type AccountState } from './account-state.js';
import { rows } from '../rows.js';
import { strategyInstances, tickLeases } from '../schema/index.js';
import { holdingColumns, toHolding, type InstanceHolding } from './intents.js';
import { instanceForTick, type StrategyInstanceRow } from './strategies.js';

/** How long a lease holds if its tick never gives it back (the worker died mid-tick). */
export const TICK_LEASE_SECONDS = 30;

/** Give the lease back (only the holder can). */
export async function releaseTickLease(db: Db, instanceId: string, holder: string): Promise<void> {
  await db
    .delete(tickLeases)
    .where(and(eq(tickLeases.instanceId, instanceId), eq(tickLeases.holder, holder)));
}

export interface LeasedRead {
  readonly inst: StrategyInstanceRow;
  readonly holding: InstanceHolding;
}

interface RawLeaseRead {
  leased: boolean;
  seen_live: boolean;
  id: string | null;
  strategy: string;
  symbol: string;
  category: string;
  interval: string;
  params: Record<string, unknown>;
  sizing: Record<string, unknown>;
  enabled: boolean;
  paused: boolean;
  last_candle_time: string | null;
  created_at: Date | string;
  updated_at: Date | string;
  held: string | null;
  avg: string | null;
  pending: string;
}

/**
 * Take the lease and read the instance with its holding in one round trip. The read shares the
 * statement's snapshot, taken before the lease: it is as fresh as a read after the lease unless the
 * snapshot still saw another tick's live lease (that tick gave it back while this statement ran, and
 * its last writes may be newer than the snapshot) — then the instance is read again. Null: not leased.
 */
function leaseSql({ instanceId, holder }: Placeholders<'instanceId' | 'holder'>, extra?: SQL): SQL {
  const l = tickLeases;
  const s = strategyInstances;
  const c = holdingColumns(instanceId, sql`s.category`, sql`s.symbol`);
  return sql`with seen as (select ${l.until} > now() as live from ${l}
        where ${l.instanceId} = ${instanceId}),
      t as (insert into ${l} (instance_id, holder, until)
        values (${instanceId}, ${holder}, now() + make_interval(secs => ${TICK_LEASE_SECONDS}))
        on conflict (instance_id) do update set holder = excluded.holder, until = excluded.until
        where ${l.until} < now() returning 1)
    select exists (select 1 from t) as leased, coalesce((select live from seen), false) as seen_live,
      s.id, s.strategy, s.symbol, s.category, s.interval, s.params, s.sizing, s.enabled, s.paused,
      s.last_candle_time::text as last_candle_time, s.created_at, s.updated_at,
      ${c.held} as held, ${c.avg} as avg, ${c.pending} as pending${extra ? sql`, ${extra}` : sql``}
    from (select 1) one left join ${s} s on s.id = ${instanceId}`;
}

const leaseStatement = prebuilt(['instanceId', 'holder'], (p) => leaseSql(p));

/**
 * The lease with the account beside it (accountColumns): the tick that starts a series' shared read at a
 * candle close gets it in its lease's round trip instead of a statement of its own.
 */
const leaseWithAccountStatement = prebuilt(['instanceId', 'holder', 'dayStart', 'now'], (p) =>
  leaseSql(p, accountColumns(p)),
);

export async function leaseAndRead(
  db: Db,
  instanceId: string,
  holder: string,
): Promise<{ read: LeasedRead | null } | null> {
  const res = await leaseStatement(db, { instanceId, holder });
  return leasedFrom(db, instanceId, rows<RawLeaseRead>(res)[0]);
}

export interface LeaseWithAccount {
  readonly leased: { read: LeasedRead | null } | null;
  readonly account: AccountState;
}

/** leaseAndRead, and the account as loadAccountState reads it, in one statement. */
export async function leaseAndReadWithAccount(
  db: Db,
  instanceId: string,
  holder: string,
  at: { dayStart: number; now: number },
): Promise<LeaseWithAccount> {
  const res = await leaseWithAccountStatement(db, { instanceId, holder, ...at });
  const r = rows<RawLeaseRead & AccountRaw>(res)[0];
  if (!r) throw new Error('lease statement returned no row');
  return { leased: await leasedFrom(db, instanceId, r), account: parseAccountState(r) };
}

async function leasedFrom(
  db: Db,
  instanceId: string,
  r: RawLeaseRead | undefined,
): Promise<{ read: LeasedRead | null } | null> {
  if (!r?.leased) return null;
  if (r.seen_live) return { read: await instanceForTick(db, instanceId) };
  if (r.id === null) return { read: null };
  return {
    read: {
      inst: {
        id: r.id,
        strategy: r.strategy,
        symbol: r.symbol,
        category: r.category,
        interval: r.interval,
        params: r.params,
        sizing: r.sizing,
        enabled: r.enabled,
        paused: r.paused,
        lastCandleTime: r.last_candle_time === null ? null : Number(r.last_candle_time),
        createdAt: new Date(r.created_at),
        updatedAt: new Date(r.updated_at),
      },
      holding: toHolding(r),
    },
  };
}
