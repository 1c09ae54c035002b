// Built-in strategies on small hand-made series: the bars where each one signals, and nowhere else.
import { describe, expect, it } from 'vitest';
import { dec } from '../../src/domain/decimal.js';
import { decideOnHistory } from '../../src/strategies/live.js';
import { getStrategy } from '../../src/strategies/registry.js';
import type { Candle, PortfolioView, PositionSide, Signal, Strategy } from '../../src/strategies/types.js';

function view(side: PositionSide = 'flat'): PortfolioView {
  return { side, size: dec('0'), avgEntry: null, equity: dec('1000') };
}

/** Feed closes (high/low optional) and return the signals by bar index. */
function feed(
  s: Strategy,
  close: number[],
  o: { high?: number[]; low?: number[]; side?: (i: number) => PositionSide } = {},
): Record<number, Signal> {
  const out: Record<number, Signal> = {};
  close.forEach((c, i) => {
    const bar = { openTime: i, open: c, high: o.high?.[i] ?? c, low: o.low?.[i] ?? c, close: c, volume: 0 };
    const sig = s.onBar(bar, view(o.side?.(i) ?? 'flat'));
    if (sig) out[i] = sig;
  });
  return out;
}

describe('sma-cross', () => {
  const make = (scale = 100) => getStrategy('sma-cross').create({ fast: 2, slow: 3 }, { priceScale: scale });

  it('goes long on the cross up and short on the cross down, closing first', () => {
    const sig = feed(make(), [10, 10, 10, 9, 8, 9, 11, 12, 11, 9, 8]);
    expect(Object.keys(sig).map(Number)).toEqual([6, 9]);
    expect(sig[6]).toMatchObject({ exit: true, enter: 'long' });
    expect(sig[9]).toMatchObject({ exit: true, enter: 'short' });
    expect(sig[6]?.reason).toBe('SMA(2) crossed above SMA(3)');
  });

  it('never signals a cross that passes through an exact tie, even where float sums would round', () => {
    // At bar 4 SMA(2) = (0.01 + 0.05) / 2 and SMA(3) = (0.03 + 0.01 + 0.05) / 3 are both exactly 0.03;
    // in float64 the first is 0.030000000000000002, which would fake a cross up at bar 4.
    expect(feed(make(100), [0.03, 0.03, 0.03, 0.01, 0.05, 0.05])).toEqual({});
    expect((0.01 + 0.05) / 2).toBeGreaterThan((0.03 + 0.01 + 0.05) / 3);
  });

  it('declares its warm-up as the first bar with a slow SMA', () => {
    const s = make();
    expect([s.warmup, s.lookback]).toEqual([2, 4]);
    feed(s, [1, 2]);
    expect(Number.isNaN(s.indicators()['SMA(3)'])).toBe(true);
    feed(s, [3]);
    expect(s.indicators()).toEqual({ 'SMA(2)': 2.5, 'SMA(3)': 2 });
  });
});

describe('ema-cross', () => {
  it('tracks pandas ewm(span, adjust=False) and needs `slow` bars for a value', () => {
    const s = getStrategy('ema-cross').create({ fast: 2, slow: 3 }, { priceScale: 1 });
    feed(s, [1, 2]);
    expect(Number.isNaN(s.indicators()['EMA(3)'])).toBe(true);
    feed(s, [3, 4]);
    // span 3 → alpha 0.5: 1, 1.5, 2.25, 3.125; span 2 → alpha 2/3.
    expect(s.indicators()['EMA(3)']).toBe(3.125);
    expect(s.indicators()['EMA(2)']).toBeCloseTo(3.5185185185185186, 14);
  });

  it('signals on strict crosses of the two averages', () => {
    const s = getStrategy('ema-cross').create({ fast: 2, slow: 4 }, { priceScale: 1 });
    const sig = feed(s, [10, 10, 10, 10, 8, 6, 5, 7, 10, 12, 9, 5]);
    const sides = Object.entries(sig).map(([i, x]) => [Number(i), x.enter]);
    // Bar 4 drops below but bar 3 was a tie (both 10), so that is not a cross.
    expect(sides).toEqual([
      [8, 'long'],
      [11, 'short'],
    ]);
  });
});

describe('rsi-reversion', () => {
  const closes = [10, 9, 8, 7, 8, 9, 10, 11];

  it('buys below `lower` while flat and closes above `upper` while long', () => {
    const s = getStrategy('rsi-reversion').create({ period: 2 }, { priceScale: 1 });
    // Wilder RSI(2): 0 at bars 2–3, then 50, 75, 87.5, 93.75.
    const sig = feed(s, closes, { side: (i) => (i >= 3 ? 'long' : 'flat') });
    expect(sig).toEqual({
      2: { enter: 'long', reason: 'RSI(2) below 30' },
      5: { exit: true, reason: 'RSI(2) above 70' },
      6: { exit: true, reason: 'RSI(2) above 70' },
      7: { exit: true, reason: 'RSI(2) above 70' },
    });
    expect(s.indicators()['RSI(2)']).toBe(93.75);
  });

  it('does not buy again while already long', () => {
    const s = getStrategy('rsi-reversion').create({ period: 2 }, { priceScale: 1 });
    expect(feed(s, closes.slice(0, 4), { side: () => 'long' })).toEqual({});
  });
});

describe('donchian-breakout', () => {
  const make = () => getStrategy('donchian-breakout').create({ entry: 3, exit: 2 }, { priceScale: 100 });
  const high = [10, 10.5, 10.2, 10.4, 11.2, 11.5, 11.4, 10.8, 10.1, 9.2];
  const low = [9, 9.5, 9.6, 9.8, 10.3, 9, 10.8, 10.2, 9.4, 8.8];
  const close = [9.5, 10, 10, 10.1, 11, 11.4, 11, 10.3, 9.5, 9];

  it('goes long above the entry-bar high with the exit-bar low as its stop, and exits below that low', () => {
    const sig = feed(make(), close.slice(0, 9), { high, low, side: (i) => (i > 4 ? 'long' : 'flat') });
    // Bar 4: 11 > max(10.5, 10.2, 10.4); stop = min(9.6, 9.8). Bar 8: 9.5 < min(10.8, 10.2) but not
    // below the 3-bar low 9, so it exits without reversing.
    expect(sig[4]).toMatchObject({ exit: false, enter: 'long' });
    expect(sig[4]?.stop?.toFixed()).toBe('9.6');
    expect(sig[8]).toMatchObject({ exit: true });
    expect(sig[8]?.enter).toBeUndefined();
    expect(Object.keys(sig).map(Number)).toEqual([4, 8]);
  });

  it('goes short on a breakdown when flat', () => {
    const sig = feed(make(), close, { high, low, side: (i) => (i >= 4 && i < 9 ? 'long' : 'flat') });
    // Bar 9: flat again, 9 < min(10.8, 10.2, 9.4): short with the 2-bar high 10.8 as stop.
    expect(sig[9]).toMatchObject({ exit: false, enter: 'short' });
    expect(sig[9]?.stop?.toFixed()).toBe('10.8');
  });
});

describe('live rebuild from Decimal candles', () => {
  it('replays the candles into a fresh instance and returns the decision at the last one', () => {
    const closes = ['10', '10', '10', '9', '8', '9', '11'];
    const candles: Candle[] = closes.map((c, i) => ({
      openTime: i * 60_000,
      open: dec(c),
      high: dec(c),
      low: dec(c),
      close: dec(c),
      volume: dec('1'),
    }));
    const r = decideOnHistory(
      getStrategy('sma-cross'),
      { fast: 2, slow: 3 },
      { priceScale: 100 },
      candles,
      view(),
    );
    expect(r.signal).toMatchObject({ exit: true, enter: 'long' });
    expect(r.enoughHistory).toBe(true);
    const short = decideOnHistory(
      getStrategy('sma-cross'),
      { fast: 2, slow: 3 },
      { priceScale: 100 },
      candles.slice(0, 3),
      view(),
    );
    expect(short).toMatchObject({ signal: null, enoughHistory: false });
  });
});
