// Market reference data: instruments with their filters, and cached candles.
import {
  bigint,
  boolean,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  bigserial,
} from 'drizzle-orm/pg-core';
import { money } from './types.js';

export const instruments = pgTable(
  'instruments',
  {
    category: text('category').notNull(),
    symbol: text('symbol').notNull(),
    baseCoin: text('base_coin').notNull(),
    quoteCoin: text('quote_coin').notNull(),
    tickSize: money('tick_size').notNull(),
    qtyStep: money('qty_step').notNull(),
    minOrderQty: money('min_order_qty').notNull(),
    maxOrderQty: money('max_order_qty').notNull(),
    maxMarketOrderQty: money('max_market_order_qty').notNull(),
    minNotional: money('min_notional').notNull(),
    maxLeverage: money('max_leverage').notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.category, t.symbol] })],
);

export const candles = pgTable(
  'candles',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    category: text('category').notNull(),
    symbol: text('symbol').notNull(),
    interval: text('interval').notNull(),
    openTime: bigint('open_time', { mode: 'number' }).notNull(),
    open: money('open').notNull(),
    high: money('high').notNull(),
    low: money('low').notNull(),
    close: money('close').notNull(),
    volume: money('volume').notNull(),
    turnover: money('turnover'),
    closed: boolean('closed').notNull().default(true),
  },
  (t) => [uniqueIndex('candles_series_time_uq').on(t.category, t.symbol, t.interval, t.openTime)],
);

export const strategyInstances = pgTable('strategy_instances', {
  id: text('id').primaryKey(),
  strategy: text('strategy').notNull(),
  symbol: text('symbol').notNull(),
  category: text('category').notNull(),
  interval: text('interval').notNull(),
  params: jsonb('params').$type<Record<string, unknown>>().notNull().default({}),
  sizing: jsonb('sizing').$type<Record<string, unknown>>().notNull().default({}),
  enabled: boolean('enabled').notNull().default(true),
  /** Paused by an operator from chat; distinct from `enabled` in bosun.yaml. */
  paused: boolean('paused').notNull().default(false),
  lastCandleTime: bigint('last_candle_time', { mode: 'number' }),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

/**
 * Which instance a tick is acting on, until when (wall clock): two ticks of one instance never overlap.
 * UNLOGGED (see its migration): taking a lease costs no WAL flush, and a lease lost in a database crash
 * only lets the next tick start at once.
 */
export const tickLeases = pgTable('tick_leases', {
  instanceId: text('instance_id').primaryKey(),
  /** The holder's token: only the tick that took the lease gives it back. */
  holder: text('holder').notNull(),
  until: timestamp('until', { withTimezone: true }).notNull(),
});
