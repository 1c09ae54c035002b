// Books in Postgres: a fill is stored once (exec id) into its book and folded, in the same transaction, into
// the symbol's net position (positions, as the legacy engine keeps it) and the book's own (book_positions),
// in venue order. Reads give the net per symbol and each book under it, without refolding.
import { and, asc, eq, isNotNull, sql } from 'drizzle-orm';
import { ZERO, type Decimal } from '../../domain/decimal.js';
import { fillFromStored, type Fill, type FundingPayment } from '../../domain/fill.js';
import type { Category } from '../../domain/instrument.js';
import {
  applyFill,
  applyFunding,
  emptyPosition,
  type Position,
  type PositionInstrument,
} from '../../domain/position.js';
import { tradeStep } from '../../domain/trade-result.js';
import type { Db } from '../client.js';
import { rows } from '../rows.js';
import { bookPositions as bookPositionsTable, fills, orders, positions } from '../schema/index.js';
import { fromSnapshot, positionColumns, storedPosition, toSnapshot, type BookState } from './fill-fold.js';
import { getInstrument } from './instruments.js';
import { isStrategyBook } from './kernel-codec.js';
import { recordFill, recordFunding } from './positions.js';

export interface BookKey {
  readonly book: string;
  readonly category: Category;
  readonly symbol: string;
}

type BookRow = typeof bookPositionsTable.$inferSelect;

/** Quote coins a symbol can end in, for history whose instrument is no longer listed. */
const QUOTES = ['USDT', 'USDC', 'BTC', 'ETH', 'EUR'];

/** The instrument a position is folded for: given, else as stored, else read off a `BASEQUOTE` symbol. */
async function positionInstrument(
  tx: Db,
  category: Category,
  symbol: string,
  given?: PositionInstrument,
): Promise<PositionInstrument> {
  if (given) return given;
  const stored = await getInstrument(tx, category, symbol);
  if (stored) return stored;
  const quote = QUOTES.find((q) => symbol.endsWith(q) && symbol.length > q.length);
  if (quote) return { category, symbol, baseCoin: symbol.slice(0, -quote.length), quoteCoin: quote };
  throw new RangeError(
    `no instrument ${category} ${symbol}: store it (upsertInstruments) or pass it to fold its fills`,
  );
}

function bookState(inst: PositionInstrument, r: BookRow): BookState {
  return {
    position: storedPosition(inst, { ...r, updatedAt: r.updatedAt.getTime() }),
    tradeBase: r.tradeBase,
  };
}

/** The book's row, locked; created empty first so two first fills of a book queue on it. */
async function lockBook(tx: Db, k: BookKey, inst: PositionInstrument): Promise<BookRow> {
  const where = and(
    eq(bookPositionsTable.book, k.book),
    eq(bookPositionsTable.category, k.category),
    eq(bookPositionsTable.symbol, k.symbol),
  );
  const lock = () => tx.select().from(bookPositionsTable).where(where).for('update');
  let [r] = await lock();
  if (!r) {
    await tx
      .insert(bookPositionsTable)
      .values({ ...k, ...positionColumns(emptyPosition(inst)), tradeBase: ZERO })
      .onConflictDoNothing();
    [r] = await lock();
  }
  if (!r) throw new Error(`book position ${k.book} ${k.category} ${k.symbol} could not be created`);
  return r;
}

async function saveBook(
  tx: Db,
  k: BookKey,
  s: BookState,
  last: { ts: number | null; seq: number | null },
): Promise<void> {
  const v = {
    ...positionColumns(s.position),
    tradeBase: s.tradeBase,
    lastExecTime: last.ts,
    lastExecSeq: last.seq,
    updatedAt: sql`now()`,
  };
  await tx
    .update(bookPositionsTable)
    .set(v)
    .where(
      and(
        eq(bookPositionsTable.book, k.book),
        eq(bookPositionsTable.category, k.category),
        eq(bookPositionsTable.symbol, k.symbol),
      ),
    );
}

/** Whether a fill at (ts, seq) comes after the last one folded, in venue order (time, then sequence). */
function comesAfter(ts: number, seq: number | null, r: BookRow): boolean {
  if (r.lastExecTime === null || ts > r.lastExecTime) return true;
  if (ts < r.lastExecTime) return false;
  return seq === null || r.lastExecSeq === null || seq >= r.lastExecSeq;
}

export interface BookFillArgs {
  readonly book: string;
  readonly category: Category;
  readonly fill: Fill;
  /** Base and quote coin of the symbol; read from the instruments table when left out. */
  readonly instrument?: PositionInstrument;
  /** The venue's execution sequence for the symbol (Bybit `seq`), which orders fills of one millisecond. */
  readonly seq?: number;
  readonly execType?: string;
}

export type BookFillResult =
  | { readonly kind: 'duplicate' }
  | {
      readonly kind: 'recorded';
      /** The book's position after the fill. */
      readonly position: Position;
      /** Set when the fill closed (or flipped) the book's round trip: its result, price PnL − fees. */
      readonly tradePnl: Decimal | null;
      /** Set when the symbol's net position could not take the fill (a spot sell ahead of its buy). */
      readonly netError?: string;
    }
  | { readonly kind: 'error'; readonly message: string };

/**
 * Store one execution of a book once (idempotent on its exec id) and fold it into the symbol's net position
 * and into the book's, in venue order: in place when nothing later is folded yet (the usual case), else by
 * refolding the book. Call inside the transaction that records what the fill changed.
 */
export async function recordBookFill(tx: Db, a: BookFillArgs): Promise<BookFillResult> {
  const { book, category, fill } = a;
  const inst = await positionInstrument(tx, category, fill.symbol, a.instrument);
  const [order] = fill.orderLinkId
    ? await tx.select({ id: orders.id }).from(orders).where(eq(orders.orderLinkId, fill.orderLinkId))
    : [];
  const net = await recordFill(tx, inst, fill, {
    orderId: order?.id ?? null,
    category,
    execType: a.execType ?? 'Trade',
    strategyInstanceId: isStrategyBook(book) ? book : null,
    seq: a.seq,
  });
  if (net.kind === 'duplicate') return { kind: 'duplicate' };
  const netError = net.kind === 'error' ? { netError: net.message } : {};
  const key = { book, category, symbol: fill.symbol };
  const row = await lockBook(tx, key, inst);
  const seq = a.seq ?? null;
  if (!comesAfter(fill.ts, seq, row)) {
    await tx.update(fills).set({ book }).where(eq(fills.execId, fill.tradeId));
    await rebuildBookPositions(tx, [key], [inst]);
    const [after] = await tx
      .select({ bookTradePnl: fills.bookTradePnl })
      .from(fills)
      .where(eq(fills.execId, fill.tradeId));
    const r = await lockBook(tx, key, inst);
    return {
      kind: 'recorded',
      position: bookState(inst, r).position,
      tradePnl: after?.bookTradePnl ?? null,
      ...netError,
    };
  }
  const before = bookState(inst, row);
  const r = applyFill(before.position, fill);
  if (!r.ok) {
    await tx.update(fills).set({ book }).where(eq(fills.execId, fill.tradeId));
    return { kind: 'error', message: `${book}: ${r.error.message}` };
  }
  const step = tradeStep(before.position, r.position, before.tradeBase);
  await tx.update(fills).set({ book, bookTradePnl: step.closedPnl }).where(eq(fills.execId, fill.tradeId));
  await saveBook(tx, key, { position: r.position, tradeBase: step.base }, { ts: fill.ts, seq });
  return { kind: 'recorded', position: r.position, tradePnl: step.closedPnl, ...netError };
}

/** Store a book's share of a funding settlement once (its own id) and book it to the net and the book. */
export async function recordBookFunding(
  tx: Db,
  a: { book: string; category: Category; payment: FundingPayment; instrument?: PositionInstrument },
): Promise<'recorded' | 'duplicate'> {
  const inst = await positionInstrument(tx, a.category, a.payment.symbol, a.instrument);
  const net = await recordFunding(tx, inst, a.payment);
  if (net.kind === 'duplicate') return 'duplicate';
  await tx.update(fills).set({ book: a.book }).where(eq(fills.execId, a.payment.id));
  const key = { book: a.book, category: a.category, symbol: a.payment.symbol };
  const row = await lockBook(tx, key, inst);
  const s = bookState(inst, row);
  const r = applyFunding(s.position, a.payment);
  if (r.ok)
    await saveBook(tx, key, { ...s, position: r.position }, { ts: row.lastExecTime, seq: row.lastExecSeq });
  return 'recorded';
}

/**
 * Fold books from their stored fills in venue order (all books when `keys` is left out): after a migration,
 * after legacy rows were given their books, or when a fill arrived behind a later one. Each step is rounded
 * through the columns exactly as folding one stored fill at a time is, and each fill's round-trip result kept.
 */
export async function rebuildBookPositions(
  tx: Db,
  keys?: readonly BookKey[],
  instruments: readonly PositionInstrument[] = [],
): Promise<number> {
  const list =
    keys ??
    (
      await tx
        .selectDistinct({ book: fills.book, category: fills.category, symbol: fills.symbol })
        .from(fills)
        .where(isNotNull(fills.book))
    ).map((r) => ({ book: r.book as string, category: r.category as Category, symbol: r.symbol }));
  for (const k of list) {
    const given = instruments.find((i) => i.category === k.category && i.symbol === k.symbol);
    const inst = await positionInstrument(tx, k.category, k.symbol, given);
    await lockBook(tx, k, inst);
    const stored = await tx
      .select()
      .from(fills)
      .where(and(eq(fills.book, k.book), eq(fills.category, k.category), eq(fills.symbol, k.symbol)))
      .orderBy(asc(fills.execTime), sql`${fills.execSeq} asc nulls last`, asc(fills.id));
    let state: BookState = { position: emptyPosition(inst), tradeBase: ZERO };
    let last: { ts: number | null; seq: number | null } = { ts: null, seq: null };
    for (const f of stored) {
      let pnl: Decimal | null = null;
      if (f.execType === 'Funding') {
        const r = applyFunding(state.position, {
          id: f.execId,
          symbol: f.symbol,
          amount: f.fee.neg(),
          ts: f.execTime,
        });
        if (r.ok) state = { ...state, position: r.position };
      } else {
        const fill = fillFromStored(f);
        const r = fill ? applyFill(state.position, fill) : null;
        if (r?.ok) {
          const step = tradeStep(state.position, r.position, state.tradeBase);
          pnl = step.closedPnl;
          state = fromSnapshot(
            inst,
            toSnapshot({ position: r.position, tradeBase: step.base }),
            r.position.updatedAt,
          );
          last = { ts: f.execTime, seq: f.execSeq };
        }
      }
      const same = pnl === null ? f.bookTradePnl === null : f.bookTradePnl !== null && f.bookTradePnl.eq(pnl);
      if (!same) await tx.update(fills).set({ bookTradePnl: pnl }).where(eq(fills.id, f.id));
    }
    await saveBook(tx, k, state, last);
  }
  return list.length;
}

/**
 * Rows the legacy engine wrote without a book (it predates them) get theirs exactly as migration 0009's
 * backfill gave them, and the books they touched are refolded. Nothing to do is one cheap query.
 */
export async function adoptUnbookedRows(tx: Db): Promise<number> {
  const [probe] = rows<{ n: boolean }>(
    await tx.execute(sql`select (exists (select 1 from intents where book is null)
      or exists (select 1 from orders where book is null)
      or exists (select 1 from fills where book is null)) as n`),
  );
  if (!probe?.n) return 0;
  await tx.execute(sql`update intents set
      book = coalesce(strategy_instance_id, 'manual'),
      purpose = case
        when leg = 'exit' or source in ('close', 'kill', 'flatten') then 'exit'
        when strategy_instance_id is null then 'manual'
        else 'entry'
      end,
      order_kind = case when order_type = 'Limit' then 'limit' else 'market' end,
      filled = coalesce((select sum(o.cum_qty) from orders o where o.intent_id = intents.id), 0)
    where book is null`);
  await tx.execute(sql`update orders set book = i.book,
      purpose = case when i.purpose = 'exit' then 'exit' else 'entry' end
    from intents i where orders.intent_id = i.id and orders.book is null`);
  await tx.execute(sql`update orders set book = 'manual',
      purpose = case when reduce_only then 'exit' else 'entry' end
    where book is null`);
  const a = rows<{ book: string; category: string; symbol: string }>(
    await tx.execute(sql`update fills set book = coalesce(fills.strategy_instance_id, o.book)
      from orders o
      where fills.book is null and (o.id = fills.order_id or o.order_link_id = fills.order_link_id)
      returning fills.book, fills.category, fills.symbol`),
  );
  const b = rows<{ book: string; category: string; symbol: string }>(
    await tx.execute(sql`update fills set book = coalesce(strategy_instance_id, 'external')
      where book is null returning book, category, symbol`),
  );
  const keys = new Map<string, BookKey>();
  for (const r of [...a, ...b])
    keys.set(`${r.book}|${r.category}|${r.symbol}`, { ...r, category: r.category as Category });
  await rebuildBookPositions(tx, [...keys.values()]);
  return keys.size;
}

export interface BookPosition {
  readonly book: string;
  readonly size: Decimal;
  /** Null when flat. */
  readonly avgEntry: Decimal | null;
  readonly realizedPnl: Decimal;
  readonly fees: Decimal;
  readonly funding: Decimal;
  /** realized − fees + funding. */
  readonly netRealizedPnl: Decimal;
  /** At the symbol's last stored mark; null without one or when flat. */
  readonly unrealizedPnl: Decimal | null;
  readonly fillCount: number;
  readonly openedAt: number | null;
}

export interface SymbolBooks {
  readonly category: Category;
  readonly symbol: string;
  /** The venue's net: the sum of every book on the symbol (filtered out or not). */
  readonly net: Decimal;
  /** Size-weighted entry of the books (as the kernel values the net); null when the net is flat. */
  readonly avgEntry: Decimal | null;
  readonly markPrice: Decimal | null;
  readonly books: readonly BookPosition[];
}

export interface BookPositionFilter {
  readonly book?: string;
  readonly category?: Category;
  readonly symbol?: string;
  /** Keep flat books (and symbols where every book is flat) — for PnL views. */
  readonly includeFlat?: boolean;
}

/** The net per symbol and each book under it (for /positions and the dashboard), from book_positions. */
export async function bookPositions(db: Db, filter: BookPositionFilter = {}): Promise<SymbolBooks[]> {
  const t = bookPositionsTable;
  const found = await db
    .select({ b: t, mark: positions.markPrice })
    .from(t)
    .leftJoin(positions, and(eq(positions.category, t.category), eq(positions.symbol, t.symbol)))
    .where(
      and(
        filter.category === undefined ? undefined : eq(t.category, filter.category),
        filter.symbol === undefined ? undefined : eq(t.symbol, filter.symbol),
      ),
    )
    .orderBy(asc(t.category), asc(t.symbol), asc(t.book));
  const out = new Map<
    string,
    {
      head: Omit<SymbolBooks, 'books' | 'net' | 'avgEntry'>;
      net: Decimal;
      cost: Decimal;
      books: BookPosition[];
    }
  >();
  for (const { b, mark } of found) {
    const key = `${b.category}:${b.symbol}`;
    let s = out.get(key);
    if (!s) {
      s = {
        head: { category: b.category as Category, symbol: b.symbol, markPrice: mark },
        net: ZERO,
        cost: ZERO,
        books: [],
      };
      out.set(key, s);
    }
    const flat = b.size.isZero();
    s.net = s.net.plus(b.size);
    if (!flat) s.cost = s.cost.plus(b.size.mul(b.avgEntry));
    if (filter.book !== undefined && b.book !== filter.book) continue;
    if (flat && !filter.includeFlat) continue;
    s.books.push({
      book: b.book,
      size: b.size,
      avgEntry: flat ? null : b.avgEntry,
      realizedPnl: b.realizedPnl,
      fees: b.fees,
      funding: b.funding,
      netRealizedPnl: b.realizedPnl.minus(b.fees).plus(b.funding),
      unrealizedPnl: flat || !mark ? null : mark.minus(b.avgEntry).mul(b.size),
      fillCount: b.fillCount,
      openedAt: b.openedAt,
    });
  }
  const result: SymbolBooks[] = [];
  for (const s of out.values()) {
    if (s.books.length === 0) continue;
    result.push({
      ...s.head,
      net: s.net,
      avgEntry: s.net.isZero() ? null : s.cost.div(s.net),
      books: s.books,
    });
  }
  return result;
}
