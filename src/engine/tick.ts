// One strategy tick: fetch the closed candles, rebuild the strategy's state from them, and turn its
// decision at the newest closed candle into intents (an exit leg, an entry leg, or both for a reversal).
// Idempotent: intents are unique per instance, candle and leg, and the processed candle is remembered.
import type { Decimal } from '../domain/decimal.js';
import { upsertCandles } from '../db/repos/candles.js';
import {
  advanceCandle,
  getStrategyInstance,
  instanceForTick,
  type StrategyInstanceRow,
} from '../db/repos/strategies.js';
import { leaseAndRead, leaseAndReadWithAccount, releaseTickLease } from '../db/repos/tick-leases.js';
import { utcDayStart } from '../portfolio/time.js';
import type { InstanceHolding } from '../db/repos/intents.js';
import { withdrawWaitingEntries } from './approvals.js';
import type { Category } from '../domain/instrument.js';
import { oppositeSide, type Side } from '../domain/side.js';
import type { Candle } from '../exchange/port.js';
import { strategyKlines } from './klines.js';
import { sizingFromConfig, type SizingConfigInput } from '../risk/sizing.js';
import {
  barFromCandle,
  contextForTick,
  decideOnBars,
  type Bar,
  getStrategy,
  type Candle as StrategyCandle,
} from '../strategies/index.js';
import type { EngineDeps } from './deps.js';
import { RetryLater } from './exchange-errors.js';
import { ensureInstrument } from './instruments.js';
import { intervalMs } from './intervals.js';
import { metrics } from '../platform/metrics.js';
import { contextWithAccount, loadProposalContext, type ProposalContext } from './judge.js';
import { proposeIntent, type PipelineResult } from './pipeline.js';
import { balancesReady, sharedPortfolioView } from './portfolio-loader.js';
import { Memo, SingleFlight } from './memo.js';
import { knownInstance, rememberInstance, type KnownInstance } from './processed-candles.js';

export type TickResult =
  | { kind: 'skipped'; reason: string }
  | { kind: 'no-signal'; candleTime: number }
  | { kind: 'acted'; candleTime: number; results: PipelineResult[] };

const STORE_MEMO_MS = 60_000;

/**
 * Every instance on a series closes the same bar: the bar's candles are stored once per process (after
 * the decisions, off the path to the order), not once per instance.
 */
const storedBars = new Memo<void>(STORE_MEMO_MS);

function storeCandles(
  deps: EngineDeps,
  series: { category: Category; symbol: string; interval: string },
  candles: readonly StrategyCandle[],
  barOpen: number,
): Promise<void> {
  const key = `${series.category}:${series.symbol}:${series.interval}:${barOpen}`;
  return storedBars.get(deps.db, key, () => upsertCandles(deps.db, series, candles));
}

/** Float bars per shared kline array (closed candles are its prefix): converted once per close, not per instance. */
const barMemo = new WeakMap<readonly Candle[], Bar[]>();

function barsOf(raw: readonly Candle[], closed: readonly StrategyCandle[]): readonly Bar[] {
  let all = barMemo.get(raw);
  if (!all || all.length < closed.length) {
    all = closed.map(barFromCandle);
    barMemo.set(raw, all);
  }
  return all.length === closed.length ? all : all.slice(0, closed.length);
}

/** Why this tick has nothing to do for `inst` (null: it may act). */
function skipReason(
  instanceId: string,
  inst: KnownInstance | null,
  candleTime: number | undefined,
  now: number,
): string | null {
  if (!inst) return `no strategy instance ${instanceId}`;
  if (!inst.enabled) return `${instanceId} is disabled in bosun.yaml`;
  if (inst.paused) return `${instanceId} is paused`;
  const last = inst.lastCandleTime;
  if (candleTime !== undefined && last !== null && last >= candleTime) {
    return `candle ${candleTime} already processed`;
  }
  const step = intervalMs(inst.interval, now);
  // Nothing newer can have closed since the last processed candle: skip before any network or SQL.
  if (last !== null && inst.interval !== 'M' && last >= Math.floor(now / step) * step - step) {
    return `no candle closed since ${last}`;
  }
  return null;
}

/** One read of a series' market and the account for every candle tick that starts while it runs. */
const contexts = new SingleFlight<ProposalContext>();

/**
 * What a candle tick on `series` would be judged on, read while it takes its instance: neither the
 * market nor the account depends on that (unlike its holding, read after). A tick that does not act
 * drops it; ticks of one close share it.
 */
function earlyContext(deps: EngineDeps, series: Series): Promise<ProposalContext> {
  const load = () => loadProposalContext(deps, series.category, series.symbol, { streamed: true });
  const p = contexts.get(deps.db, `${series.category}:${series.symbol}`, load);
  p.catch(() => undefined); // awaited (and its failure handled) only by a tick that acts
  return p;
}

type Series = { category: Category; symbol: string };

/**
 * The lease, and for a candle tick the series' shared context. The tick that starts that context reads the
 * account in its lease's statement (one round trip fewer on the way to the order) when the balances it
 * must follow are ready; otherwise, and for the ticks that share a running read, the context loads alone.
 */
function leaseWithContext(
  deps: EngineDeps,
  instanceId: string,
  holder: string,
  candleTime: number | undefined,
  series: Series | undefined,
) {
  if (candleTime === undefined || !series) return { leasing: leaseAndRead(deps.db, instanceId, holder) };
  const key = `${series.category}:${series.symbol}`;
  if (contexts.running(deps.db, key) || !balancesReady(deps)) {
    return {
      leasing: leaseAndRead(deps.db, instanceId, holder),
      early: { series, ctx: earlyContext(deps, series) },
    };
  }
  const now = deps.clock.now();
  const both = leaseAndReadWithAccount(deps.db, instanceId, holder, { dayStart: utcDayStart(now), now });
  const account = both.then((b) => b.account);
  const ctx = contexts.get(deps.db, key, () =>
    contextWithAccount(deps, series.category, series.symbol, account, now),
  );
  ctx.catch(() => undefined); // awaited (and its failure handled) only by a tick that acts
  return { leasing: both.then((b) => b.leased), early: { series, ctx } };
}

export async function processTick(
  deps: EngineDeps,
  instanceId: string,
  candleTime?: number,
  streamed?: Candle,
  series?: Series,
): Promise<TickResult> {
  const now = deps.clock.now();
  // A fallback tick mostly finds nothing new: it finds that out from what this process last saw of the
  // instance, else from a plain read, before taking the lease.
  if (candleTime === undefined) {
    const known = knownInstance(deps.db, instanceId);
    const reason = known && skipReason(instanceId, known, undefined, now);
    if (reason) return { kind: 'skipped', reason };
    // Remembered as active and due: straight to the lease. Otherwise the row decides.
    if (!known) {
      const row = await getStrategyInstance(deps.db, instanceId);
      if (row) rememberInstance(deps.db, instanceId, row);
      const stored = skipReason(instanceId, row, undefined, now);
      if (stored) return { kind: 'skipped', reason: stored };
    }
  }
  const holder = Buffer.from(deps.randomBytes(8)).toString('hex');
  // The lease (and the instance, read as of it) gates everything else, so its statement leaves first; the
  // context is read alongside. The read sees every order the previous tick of this instance wrote.
  const { leasing, early } = leaseWithContext(deps, instanceId, holder, candleTime, series);
  const leased = await leasing;
  if (!leased) throw new RetryLater(`${instanceId} is still acting on an earlier candle`);
  const lease = { holder, released: false };
  try {
    const { read } = leased;
    if (read) rememberInstance(deps.db, instanceId, read.inst);
    const skip = skipReason(instanceId, read?.inst ?? null, candleTime, now);
    if (skip || !read) return { kind: 'skipped', reason: skip ?? `no strategy instance ${instanceId}` };
    const same =
      early && early.series.category === read.inst.category && early.series.symbol === read.inst.symbol;
    return await actOnCandle(
      deps,
      read.inst,
      read.holding,
      now,
      candleTime,
      streamed,
      same ? early.ctx : undefined,
      lease,
    );
  } finally {
    if (!lease.released) await releaseTickLease(deps.db, instanceId, holder);
  }
}

/** The tick proper, run while it holds the instance's lease. */
async function actOnCandle(
  deps: EngineDeps,
  inst: StrategyInstanceRow,
  holding: InstanceHolding,
  now: number,
  candleTime: number | undefined,
  streamed: Candle | undefined,
  early: Promise<ProposalContext> | undefined,
  lease: { holder: string; released: boolean },
): Promise<TickResult> {
  const skip = (reason: string) => ({ kind: 'skipped' as const, reason });
  const step = intervalMs(inst.interval, now);
  const category = inst.category as Category;
  const factory = getStrategy(inst.strategy);
  const instrument = await ensureInstrument(deps, category, inst.symbol);
  const ctx = contextForTick(instrument.tickSize);
  const lookback = factory.create(inst.params, ctx).lookback;
  const raw = await strategyKlines(deps.exchange, {
    category,
    symbol: inst.symbol,
    interval: inst.interval,
    limit: lookback + 2,
    barOpen: Math.floor(now / step) * step,
    now,
    // Only the bar this tick was raised for: a fallback tick has none and reads REST.
    closed: streamed && streamed.start === candleTime ? streamed : undefined,
  });
  const closed = raw.filter((c) => c.start + intervalMs(inst.interval, c.start) <= now);
  const last = closed.at(-1);
  if (!last) return skip('no closed candle yet');
  if (candleTime !== undefined && last.start < candleTime) {
    throw new RetryLater(`candle ${candleTime} of ${inst.symbol} is not visible over REST yet`);
  }
  if (inst.lastCandleTime !== null && inst.lastCandleTime >= last.start) {
    return skip(`candle ${last.start} already processed`);
  }
  const candles: StrategyCandle[] = closed.map((c) => ({
    openTime: c.start,
    open: c.open,
    high: c.high,
    low: c.low,
    close: c.close,
    volume: c.volume,
  }));
  const bars = barsOf(raw, candles);
  // The strategy's own position is read fresh, plus what its unfinished orders will add once they fill:
  // acting on the filled size alone would enter again while the last entry is still on its way.
  const shared = await sharedPortfolioView(deps);
  // An entry waiting for approval counts as held: the strategy must not ask again every bar while it waits.
  let size = holding.held.plus(holding.pending).plus(holding.awaiting);
  const view = {
    side: size.isZero() ? ('flat' as const) : size.isPositive() ? ('long' as const) : ('short' as const),
    size,
    avgEntry: holding.avgEntry,
    equity: shared.equity,
  };
  const { signal } = decideOnBars(factory, inst.params, ctx, bars, view);
  const results: PipelineResult[] = [];
  // A tick raised by the candle's close sends what may leave at once itself: no queue hop between the
  // decision and the venue. The scheduler's fallback tick is late by nature and keeps its slot for the
  // instances behind it: its orders go through the orders queue.
  const meta = {
    strategyInstanceId: inst.id,
    candleTime: last.start,
    requestedBy: `strategy:${inst.id}`,
    sendNow: candleTime !== undefined,
  };
  if (signal) {
    const enterSide: Side | null = signal.enter === 'long' ? 'Buy' : signal.enter === 'short' ? 'Sell' : null;
    const sideOf = (q: Decimal): Side | null => (q.isZero() ? null : q.isPositive() ? 'Buy' : 'Sell');
    const turns = (s: Side | null) =>
      s !== null && (signal.exit === true || (enterSide !== null && enterSide !== s));
    let holdingSide = sideOf(size);
    if (
      !holding.awaiting.isZero() &&
      (turns(holdingSide) || (enterSide !== null && enterSide !== holdingSide))
    ) {
      // The strategy turned while its last entry still waits for approval: approving that entry now
      // would trade against the signal, so it is withdrawn, and only what is filled or on its way is closed.
      const withdrawn = await withdrawWaitingEntries(
        deps,
        inst.id,
        `${inst.id} signalled ${signal.enter ?? 'exit'} at the candle of ${new Date(last.start).toISOString()}`,
      );
      if (withdrawn.eq(holding.awaiting)) size = size.minus(withdrawn);
      else {
        // An operator decided one of those entries between the read and the withdrawal: read again, so an
        // entry approved meanwhile counts as on its way (and is closed after it fills), not as withdrawn.
        holding = (await instanceForTick(deps.db, inst.id))?.holding ?? holding;
        size = holding.held.plus(holding.pending).plus(holding.awaiting);
      }
      holdingSide = sideOf(size);
    }
    const exit = turns(holdingSide);
    // Orders of this instance still on their way go first: what is decided now is sent after them.
    const onWay = holding.ordersOnWay > 0;
    // One read of the market and the account for both legs of a reversal: they are decided at one instant.
    const acts = (exit && holdingSide !== null) || (enterSide !== null && enterSide !== holdingSide);
    const pctx = acts
      ? await (early ?? loadProposalContext(deps, category, inst.symbol, { streamed: true }))
      : undefined;
    if (exit && holdingSide) {
      results.push(
        await proposeIntent(
          deps,
          {
            symbol: inst.symbol,
            category,
            side: oppositeSide(holdingSide),
            orderType: 'Market',
            qty: size.abs(),
            reduceOnly: true,
            source: 'close',
          },
          { ...meta, leg: 'exit', behindEarlier: onWay, ...(onWay ? { sizeAfterEarlier: size } : {}) },
          pctx,
        ),
      );
    }
    if (enterSide && enterSide !== holdingSide) {
      results.push(
        await proposeIntent(
          deps,
          {
            symbol: inst.symbol,
            category,
            side: enterSide,
            orderType: 'Market',
            reduceOnly: false,
            sizing: sizingFromConfig(inst.sizing as SizingConfigInput),
            ...(signal.stop ? { stopPrice: signal.stop } : {}),
            source: 'strategy',
          },
          { ...meta, leg: 'entry', assumeFlat: exit, behindEarlier: onWay },
          pctx,
        ),
      );
    }
  }
  await storeCandles(deps, { category, symbol: inst.symbol, interval: inst.interval }, candles, last.start);
  await advanceCandle(deps.db, inst.id, last.start, lease.holder);
  lease.released = true;
  rememberInstance(deps.db, inst.id, { ...inst, lastCandleTime: last.start });
  // Lag: from the candle's close to the end of its tick.
  metrics.tickLag(Math.max(0, deps.clock.now() - (last.start + intervalMs(inst.interval, last.start))));
  return results.length
    ? { kind: 'acted', candleTime: last.start, results }
    : { kind: 'no-signal', candleTime: last.start };
}
