// The price a strategy's proposal is judged at comes from the public ticker stream while it is fresh
// (no REST round trip on the way to the order), and from REST before the stream has spoken, once it
// has been quiet too long, and while it reconnects. Real adapter, real simulator, real WebSocket.
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { marketView } from '../../src/engine/portfolio-loader.js';
import { tickerBook } from '../../src/engine/ticker-book.js';
import { startTestEngine, type TestEngine } from '../helpers/engine.js';

const MAX_AGE_MS = 400;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until<T>(f: () => T | null, ms = 3000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = f();
    if (v !== null) return v;
    if (Date.now() > end) throw new Error('timed out');
    await sleep(5);
  }
}

describe('live tickers for strategy proposals', () => {
  let t: TestEngine;
  let restCalls = 0;
  beforeAll(async () => {
    t = await startTestEngine();
    t.sim.market.setPrice('BTCUSDT', '50000');
    const rest = t.exchange.tickers.bind(t.exchange);
    t.exchange.tickers = (...a) => {
      restCalls++;
      return rest(...a);
    };
  });
  afterAll(async () => {
    await t?.close();
  });

  it('answers over REST until the stream has spoken, then from the stream while it is fresh', async () => {
    const book = tickerBook(t.exchange, pino({ level: 'silent' }), MAX_AGE_MS);
    expect(book.live('linear', 'BTCUSDT')).toBeNull();
    const first = await marketView(t.deps, 'linear', 'BTCUSDT', { streamed: true });
    expect(first.lastPrice.toFixed()).toBe('50000');
    // The venue moves; its stream says so, and the next proposal reads the move without asking REST.
    await until(() => book.live('linear', 'BTCUSDT'));
    t.sim.market.setPrice('BTCUSDT', '50120.5');
    await until(() => (book.live('linear', 'BTCUSDT')?.lastPrice.toFixed() === '50120.5' ? true : null));
    const before = restCalls;
    const m = await marketView(t.deps, 'linear', 'BTCUSDT', { streamed: true });
    expect(m.lastPrice.toFixed()).toBe('50120.5');
    expect(restCalls).toBe(before);
    // An operator's trade (not streamed) still asks REST.
    await marketView(t.deps, 'linear', 'BTCUSDT');
    expect(restCalls).toBe(before + 1);
  });

  it('a stream quiet for longer than the limit is not trusted: REST answers', async () => {
    const book = tickerBook(t.exchange, pino({ level: 'silent' }), MAX_AGE_MS);
    t.sim.market.setPrice('BTCUSDT', '50200');
    await until(() => (book.live('linear', 'BTCUSDT')?.lastPrice.toFixed() === '50200' ? true : null));
    await sleep(MAX_AGE_MS + 100);
    expect(book.live('linear', 'BTCUSDT')).toBeNull();
    const before = restCalls;
    const m = await marketView(t.deps, 'linear', 'BTCUSDT', { streamed: true });
    expect(m.lastPrice.toFixed()).toBe('50200');
    expect(restCalls).toBe(before + 1);
  });

  it('a dropped public stream clears the book until the snapshot after the resubscription', async () => {
    const book = tickerBook(t.exchange, pino({ level: 'silent' }), MAX_AGE_MS);
    t.sim.market.setPrice('BTCUSDT', '50300');
    await until(() => (book.live('linear', 'BTCUSDT')?.lastPrice.toFixed() === '50300' ? true : null));
    const dropped = Date.now();
    expect(t.sim.faults.dropWebSockets('all')).toBeGreaterThan(0);
    await until(() => (book.live('linear', 'BTCUSDT') === null ? true : null));
    // Cleared by the stream's status, well before the price would have aged out.
    expect(Date.now() - dropped).toBeLessThan(MAX_AGE_MS / 2);
    // The SDK reconnects and resubscribes; the venue's snapshot refills the book with the current price.
    t.sim.market.setPrice('BTCUSDT', '50310');
    const back = await until(() => book.live('linear', 'BTCUSDT'), 10_000);
    expect(['50300', '50310']).toContain(back.lastPrice.toFixed());
  }, 20_000);
});
