// Paper trading's way in: a feed of the venue's public market data (src/exchange/paper) drives the
// simulator's price path and books instead of the random walk, and the matching engine trades against it.
import type { Decimal } from '../../domain/decimal.js';
import type { Category } from '../../domain/instrument.js';
import type { Candle } from './candles.js';

export interface FedTrade {
  price: Decimal;
  size: Decimal;
  /** The venue's trade time, ms. */
  time: number;
}

/** What a feed tells the simulator. */
export interface FeedSink {
  /** The venue's 1-minute bars before the feed started, oldest first; the newest may be forming. */
  history(symbol: string, bars: readonly Candle[]): void;
  /** Trades of one frame, oldest first. */
  trades(symbol: string, trades: readonly FedTrade[]): void;
  book(
    category: Category,
    symbol: string,
    kind: 'snapshot' | 'delta',
    bids: readonly (readonly [string, string])[],
    asks: readonly (readonly [string, string])[],
    at: number,
  ): void;
  /** The venue's linear ticker fields paper uses (a delta carries only what changed). */
  ticker(symbol: string, fields: { fundingRate?: Decimal }): void;
  /** A category's stream is reconnecting: its books are unknown until the next snapshot. */
  lostBooks(category: Category): void;
}

export interface MarketFeed {
  /** Starts delivering; resolves once every symbol has history and a price, rejects with why not. */
  start(sink: FeedSink): Promise<void>;
  close(): Promise<void>;
  /** One line for logs and `bosun doctor`: where the data comes from and how the streams are. */
  describe(): string;
}
