// Replay times (issue 20): a --data replay is moved to the present by default, and market data carries the
// later of the server clock and the replay's time, so a bot on the replay's clock sees fresh data however
// fast the replay runs; /v5/market/time stays the server's (signing depends on it).
import { afterEach, describe, expect, it } from 'vitest';
import { startSim, type SimHandle } from '../../src/exchange/sim/index.js';

let sim: SimHandle | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

const DATA = 'tests/fixtures/sim-btc-perp-1m.csv';

async function get(path: string): Promise<{ time: number; result: Record<string, unknown> }> {
  const r = await fetch(`${sim?.restUrl}${path}`);
  return (await r.json()) as { time: number; result: Record<string, unknown> };
}

describe('replay times', () => {
  it('moves a replay to the present by default', async () => {
    sim = await startSim({ speed: 0, data: DATA, historyBars: 5 });
    const now = Date.now();
    const k = await get('/v5/market/kline?category=linear&symbol=BTCUSDT&interval=1&limit=2');
    const newest = Number((k.result['list'] as string[][])[0]?.[0]);
    expect(Math.abs(newest - now)).toBeLessThan(2 * 60_000);
  });

  it('stamps market data with the replay time once it runs ahead of the clock; the server time stays', async () => {
    sim = await startSim({ speed: 0, data: DATA, historyBars: 5 });
    sim.market.advance(30 * 60_000);
    const t = await get('/v5/market/tickers?category=linear&symbol=BTCUSDT');
    expect(t.time).toBe(sim.market.time());
    expect(t.time - Date.now()).toBeGreaterThan(28 * 60_000);
    const book = await get('/v5/market/orderbook?category=linear&symbol=BTCUSDT&limit=1');
    expect(book.result['ts']).toBe(sim.market.time());
    const server = await get('/v5/market/time');
    expect(Math.abs(server.time - Date.now())).toBeLessThan(5_000);
  });

  it('replayTimes=file keeps the file times and stamps data with the server clock', async () => {
    sim = await startSim({ speed: 0, data: DATA, historyBars: 5, behaviour: { replayTimes: 'file' } });
    const k = await get('/v5/market/kline?category=linear&symbol=BTCUSDT&interval=1&limit=1');
    expect(Number((k.result['list'] as string[][])[0]?.[0])).toBeLessThan(Date.UTC(2023, 0, 1));
    const t = await get('/v5/market/tickers?category=linear&symbol=BTCUSDT');
    expect(Math.abs(t.time - Date.now())).toBeLessThan(5_000);
  });
});
