// Paper trading's feed (issue 20): the simulator's matching engine on Bybit's public frames, replayed from
// recordings by a local server (no network, no key). The recorded book is what takers walk, the recorded
// trade moves the price, klines come from the venue's REST, and balances survive a restart through the store.
import { RestClientV5 } from 'bybit-api';
import { afterEach, describe, expect, it } from 'vitest';
import { dec } from '../../src/domain/decimal.js';
import { startPaper, type AccountSnapshot, type AccountStore } from '../../src/exchange/paper/index.js';
import type { SimHandle } from '../../src/exchange/sim/index.js';
import { RECORDED, startPublicReplay, type PublicReplay } from '../helpers/bybit-public-replay.js';

type Row = Record<string, unknown>;

let replay: PublicReplay | undefined;
let paper: SimHandle | undefined;

afterEach(async () => {
  await paper?.close();
  await replay?.close();
  paper = undefined;
  replay = undefined;
});

function memoryStore(): AccountStore & { saved: Map<string, AccountSnapshot> } {
  const saved = new Map<string, AccountSnapshot>();
  return {
    saved,
    load: async (k) => saved.get(k) ?? null,
    save: async (k, s) => void saved.set(k, s),
  };
}

/** History ending at the current minute, around the recorded book's prices (27,450). */
function history(close: number, bars = 10) {
  const now = Math.floor(Date.now() / 60_000) * 60_000;
  return Array.from({ length: bars }, (_, i) => ({
    start: now - (bars - 1 - i) * 60_000,
    open: String(close),
    high: String(close + 5),
    low: String(close - 5),
    close: String(close),
    volume: '12.5',
  }));
}

async function start(store: AccountStore): Promise<{ rest: RestClientV5 }> {
  replay ??= await startPublicReplay({ history: { BTCUSDT: history(27450), ETHUSDT: history(1800) } });
  paper = await startPaper({
    restUrl: replay.restUrl,
    wsUrl: replay.wsUrl,
    key: 'paper-key',
    secret: 'paper-secret',
    store,
    readyTimeoutMs: 5000,
  });
  await replay.subscribed('linear', 'orderbook.50.BTCUSDT');
  const rest = new RestClientV5(
    { key: 'paper-key', secret: 'paper-secret', baseUrl: paper.restUrl },
    { timeout: 5000 },
  );
  return { rest };
}

/** A recorded frame for orderbook.50 (the depth paper subscribes to), stamped now; prices and sizes as recorded. */
function restamped(frame: Row): Row {
  return { ...frame, topic: 'orderbook.50.BTCUSDT', ts: Date.now() };
}

async function until(what: string, ok: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!(await ok())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('paper trading on the venue public feed', () => {
  it('takes history from the venue REST klines and the book from the recorded orderbook frames', async () => {
    const { rest } = await start(memoryStore());
    const k = await rest.getKline({ category: 'linear', symbol: 'BTCUSDT', interval: '1', limit: 3 });
    expect(k.result.list[0]?.[4]).toBe('27450');
    replay?.send('linear', restamped(RECORDED.bookSnapshot()));
    await until('the snapshot', async () => {
      const b = await rest.getOrderbook({ category: 'linear', symbol: 'BTCUSDT', limit: 5 });
      return b.result.b[0]?.[0] === '27450.00';
    });
    let book = (await rest.getOrderbook({ category: 'linear', symbol: 'BTCUSDT', limit: 5 })).result;
    expect(book.b).toEqual([
      ['27450.00', '0.500'],
      ['27449.50', '1.000'],
    ]);
    expect(book.a).toEqual([
      ['27451.00', '0.750'],
      ['27451.50', '0.900'],
    ]);
    // The recorded delta: a bid level resized, the best ask deleted with size "0".
    replay?.send('linear', restamped(RECORDED.bookDelta()));
    await until('the delta', async () => {
      const b = await rest.getOrderbook({ category: 'linear', symbol: 'BTCUSDT', limit: 5 });
      return b.result.a[0]?.[0] === '27451.50';
    });
    book = (await rest.getOrderbook({ category: 'linear', symbol: 'BTCUSDT', limit: 5 })).result;
    expect(book.b[0]).toEqual(['27450.00', '0.400']);
    expect(book.a).toEqual([['27451.50', '0.900']]);
    const t = (await rest.getTickers({ category: 'linear', symbol: 'BTCUSDT' })).result.list[0];
    expect([t?.bid1Price, t?.bid1Size, t?.ask1Price, t?.ask1Size]).toEqual([
      '27450.00',
      '0.400',
      '27451.50',
      '0.900',
    ]);
    // Nothing of this asked for a key: no request header and no socket op carried one.
    expect(replay?.seen.headers.some((h) => 'x-bapi-api-key' in h)).toBe(false);
    expect(replay?.seen.ops.filter((op) => op !== 'subscribe' && op !== 'ping')).toEqual([]);
  });

  it('moves the price with the recorded publicTrade frame', async () => {
    const { rest } = await start(memoryStore());
    const frame = RECORDED.trade();
    const [row] = frame['data'] as Row[];
    const T = Date.now();
    replay?.send('linear', { ...frame, ts: T, data: [{ ...row, T, p: '27452.50' }] });
    await until('the trade', async () => {
      const t = await rest.getTickers({ category: 'linear', symbol: 'BTCUSDT' });
      return t.result.list[0]?.lastPrice === '27452.5';
    });
    const trades = await rest.getPublicTradingHistory({ category: 'linear', symbol: 'BTCUSDT', limit: 1 });
    expect(trades.result.list[0]).toMatchObject({ price: '27452.5', size: '0.001', side: 'Buy' });
  });

  it('takes the funding rate from the recorded linear tickers frame', async () => {
    const { rest } = await start(memoryStore());
    await replay?.subscribed('linear', 'tickers.BTCUSDT');
    replay?.send('linear', { ...RECORDED.ticker(), ts: Date.now() });
    await until('the ticker', async () => {
      const t = await rest.getTickers({ category: 'linear', symbol: 'BTCUSDT' });
      return t.result.list[0]?.fundingRate === '-0.000212';
    });
    // A delta without the field keeps the rate (a trade sent after it shows it was read: one socket, in order).
    replay?.send('linear', {
      topic: 'tickers.BTCUSDT',
      type: 'delta',
      ts: Date.now(),
      data: { symbol: 'BTCUSDT' },
    });
    const trade = RECORDED.trade();
    const [row] = trade['data'] as Row[];
    replay?.send('linear', { ...trade, ts: Date.now(), data: [{ ...row, T: Date.now(), p: '27453.00' }] });
    await until('the trade after the delta', async () => {
      const t = await rest.getTickers({ category: 'linear', symbol: 'BTCUSDT' });
      return t.result.list[0]?.lastPrice === '27453';
    });
    const t = await rest.getTickers({ category: 'linear', symbol: 'BTCUSDT' });
    expect(t.result.list[0]?.fundingRate).toBe('-0.000212');
  });

  it('a market buy larger than the recorded book fills what is there and cancels the rest; balances survive a restart', async () => {
    const store = memoryStore();
    let { rest } = await start(store);
    replay?.send('linear', restamped(RECORDED.bookSnapshot()));
    replay?.send('linear', restamped(RECORDED.bookDelta()));
    await until('the book', async () => {
      const b = await rest.getOrderbook({ category: 'linear', symbol: 'BTCUSDT', limit: 5 });
      return b.result.a[0]?.[0] === '27451.50';
    });
    const r = await rest.submitOrder({
      category: 'linear',
      symbol: 'BTCUSDT',
      side: 'Buy',
      orderType: 'Market',
      qty: '1.000',
      orderLinkId: 'paper-walk-1',
    });
    expect(r.retCode, r.retMsg).toBe(0);
    const o = (await rest.getHistoricOrders({ category: 'linear', orderLinkId: 'paper-walk-1' })).result
      .list[0];
    expect(o?.orderStatus).toBe('PartiallyFilledCanceled');
    expect([dec(o?.cumExecQty ?? 'NaN').toFixed(), dec(o?.avgPrice ?? 'NaN').toFixed()]).toEqual([
      '0.9',
      '27451.5',
    ]);
    const wallet = async () =>
      ((await rest.getWalletBalance({ accountType: 'UNIFIED' })).result.list[0]?.coin ?? []).find(
        (c) => c.coin === 'USDT',
      )?.walletBalance;
    const before = await wallet();
    // Taker fee 0.055% of 0.9 × 27451.5 comes off the 100,000 USDT start.
    expect(before).toBe(dec('100000').sub(dec('0.9').mul('27451.5').mul('0.00055')).toFixed());
    await paper?.close();
    paper = undefined;
    expect(
      store.saved
        .get('paper-key')
        ?.positions.find((p) => p.symbol === 'BTCUSDT')
        ?.size.toFixed(),
    ).toBe('0.9');

    ({ rest } = await start(store));
    expect(await wallet()).toBe(before);
    const pos = (await rest.getPositionInfo({ category: 'linear', symbol: 'BTCUSDT' })).result.list[0];
    expect([pos?.side, dec(pos?.size ?? 'NaN').toFixed(), dec(pos?.avgPrice ?? 'NaN').toFixed()]).toEqual([
      'Buy',
      '0.9',
      '27451.5',
    ]);
  });

  it('names the venue when its REST does not answer', async () => {
    await expect(
      startPaper({
        restUrl: 'http://127.0.0.1:1',
        wsUrl: 'ws://127.0.0.1:1',
        key: 'k',
        secret: 's',
        store: memoryStore(),
        readyTimeoutMs: 2000,
      }),
    ).rejects.toThrow(/could not read BTCUSDT klines from http:\/\/127\.0\.0\.1:1 .*check BYBIT_REST_URL/);
  });
});
