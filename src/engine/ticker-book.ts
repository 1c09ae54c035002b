// Live tickers from the public stream for the symbols this process proposes on: the price a proposal is
// judged at without a REST round trip on the way to the order. REST stays the answer until the stream has
// spoken, while it reconnects, and whenever a symbol's stream has been quiet for longer than MAX_AGE_MS.
import type { Category } from '../domain/instrument.js';
import type { ExchangePort, Ticker } from '../exchange/port.js';
import type { Logger } from '../platform/logger.js';

/**
 * Bybit pushes a linear ticker whenever a field changes (the mark moves about every second) and spot
 * snapshots every 50 ms; a stream quiet for this long is treated as stalled and REST asked instead.
 */
export const TICKER_MAX_AGE_MS = 3_000;
/** After a refused subscription, REST alone for this long before the stream is tried again. */
const RETRY_SUBSCRIBE_MS = 30_000;

interface Entry {
  ticker: Ticker | null;
  /** Wall-clock arrival of the last frame (transport freshness, whatever clock the engine runs on). */
  receivedAt: number;
  retryAt: number;
}

class TickerBook {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly ex: ExchangePort,
    private readonly log: Logger,
    private readonly maxAgeMs: number,
  ) {
    // A reconnecting stream has missed frames: nothing cached for its category is trusted until the
    // snapshot that follows the resubscription.
    ex.onStatus((s) => {
      if (s.type !== 'reconnecting' || s.stream === 'private') return;
      const category = s.stream === 'public-spot' ? 'spot' : 'linear';
      for (const [key, e] of this.entries) if (key.startsWith(`${category}:`)) e.ticker = null;
    });
  }

  /** The streamed ticker when it is fresh; null (and a subscription started) when REST must answer. */
  live(category: Category, symbol: string): Ticker | null {
    const key = `${category}:${symbol}`;
    const now = Date.now();
    const e = this.entries.get(key);
    if (!e || (e.ticker === null && e.retryAt > 0 && now >= e.retryAt)) {
      this.subscribe(key, category, symbol, now);
      return null;
    }
    return e.ticker && now - e.receivedAt <= this.maxAgeMs ? e.ticker : null;
  }

  private subscribe(key: string, category: Category, symbol: string, now: number): void {
    const entry: Entry = { ticker: null, receivedAt: 0, retryAt: 0 };
    this.entries.set(key, entry);
    this.ex
      .subscribeTicker({ category, symbol }, (t) => {
        entry.ticker = t;
        entry.receivedAt = Date.now();
      })
      .catch((err: unknown) => {
        entry.retryAt = now + RETRY_SUBSCRIBE_MS;
        this.log.warn(
          { ticker: key, err: err instanceof Error ? err.message : String(err) },
          'ticker stream refused; prices come over REST',
        );
      });
  }
}

const books = new WeakMap<ExchangePort, TickerBook>();

/**
 * The process's book for an exchange connection (one stream subscription per symbol, shared). `maxAgeMs`
 * applies when the book is first made.
 */
export function tickerBook(ex: ExchangePort, log: Logger, maxAgeMs = TICKER_MAX_AGE_MS): TickerBook {
  let b = books.get(ex);
  if (!b) {
    b = new TickerBook(ex, log, maxAgeMs);
    books.set(ex, b);
  }
  return b;
}
