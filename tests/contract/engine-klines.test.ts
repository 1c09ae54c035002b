// Strategy candles through the real adapter and simulator: a bar the stream delivers extends the series
// a worker holds (no REST call, same candles REST would give); a gap or a fallback tick reads REST.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { strategyKlines, type KlineQuery } from '../../src/engine/klines.js';
import type { Candle, ExchangePort } from '../../src/exchange/port.js';
import { startSimExchange, type SimExchange } from '../helpers/sim-exchange.js';

const MIN = 60_000;
let s: SimExchange;
let restCalls = 0;
let counted: ExchangePort;

/** The adapter, counting klines calls. */
function counting(ex: ExchangePort): ExchangePort {
  return new Proxy(ex, {
    get(target, prop) {
      const v: unknown = Reflect.get(target, prop, target);
      if (prop === 'klines') {
        return (q: Parameters<ExchangePort['klines']>[0]) => {
          restCalls += 1;
          return target.klines(q);
        };
      }
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
}

const plain = (cs: readonly Candle[]) => cs.map((c) => [c.start, c.open.toFixed(), c.close.toFixed()]);

/** What REST says has closed by market time `now`. */
async function restClosed(now: number, limit: number): Promise<Candle[]> {
  const all = await s.ex.klines({ category: 'linear', symbol: 'BTCUSDT', interval: '1', limit });
  return all.filter((c) => c.start + MIN <= now);
}

function query(closed?: Candle): KlineQuery {
  const now = s.sim.market.time();
  return {
    category: 'linear',
    symbol: 'BTCUSDT',
    interval: '1',
    limit: 10,
    barOpen: Math.floor(now / MIN) * MIN,
    now,
    closed,
  };
}

beforeAll(async () => {
  s = await startSimExchange({ historyBars: 30 });
  counted = counting(s.ex);
});
afterAll(async () => s?.close());

describe('strategyKlines', () => {
  it('extends the held series with a streamed bar instead of fetching it again', async () => {
    const first = await strategyKlines(counted, query());
    expect(restCalls).toBe(1);
    expect(first.length).toBeGreaterThanOrEqual(9);

    s.sim.market.advance(MIN);
    const now = s.sim.market.time();
    const [justClosed] = (await restClosed(now, 10)).slice(-1);
    if (!justClosed) throw new Error('the simulator closed no bar');
    const before = restCalls;
    const got = await strategyKlines(counted, query(justClosed));
    expect(restCalls).toBe(before);
    const closedNow = got.filter((c) => c.start + MIN <= now);
    expect(plain(closedNow.slice(-9))).toEqual(plain((await restClosed(now, 12)).slice(-9)));
    // Every instance on the series at this bar shares the answer.
    expect(await strategyKlines(counted, query(justClosed))).toBe(got);
  });

  it('reads REST when the streamed bar does not follow what is held', async () => {
    s.sim.market.advance(3 * MIN);
    const now = s.sim.market.time();
    const [latest] = (await restClosed(now, 10)).slice(-1);
    if (!latest) throw new Error('the simulator closed no bar');
    const before = restCalls;
    const got = await strategyKlines(counted, query(latest));
    expect(restCalls).toBe(before + 1);
    expect(got.filter((c) => c.start + MIN <= now).at(-1)?.start).toBe(latest.start);
  });
});
