// Paper trading (BYBIT_ENV=paper): the simulated account's coin balances and open positions, so a restart
// carries on with the same paper equity. Orders are not kept: the simulator starts with none.
import { bigint, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';
import { money } from './types.js';

export const paperBalances = pgTable(
  'paper_balances',
  {
    /** The simulated account's API key name (the in-process simulator's key), not a secret. */
    account: text('account').notNull(),
    coin: text('coin').notNull(),
    wallet: money('wallet').notNull(),
    cumRealisedPnl: money('cum_realised_pnl').notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.account, t.coin] })],
);

export const paperPositions = pgTable(
  'paper_positions',
  {
    account: text('account').notNull(),
    symbol: text('symbol').notNull(),
    /** Signed: positive long, negative short (linear, one-way mode). */
    size: money('size').notNull(),
    avgPrice: money('avg_price').notNull(),
    leverage: money('leverage').notNull(),
    cumRealisedPnl: money('cum_realised_pnl').notNull(),
    takeProfit: money('take_profit'),
    stopLoss: money('stop_loss'),
    openTime: bigint('open_time', { mode: 'number' }).notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.account, t.symbol] })],
);
