// The simulator against Bybit's real behaviour (issue 20): book depth and protection prices, time-in-force
// rules, trigger direction, the spot price band, fee currency, "" fields, margin modes, collateral, history
// windows and the public trade tape. Real bybit-api SDK over REST; raw WebSocket where ordering matters.
import { RestClientV5 } from 'bybit-api';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { dec, ZERO, type Decimal } from '../../src/domain/decimal.js';
import { toOrderReport } from '../../src/exchange/bybit/map.js';
import { hmacHex, startSim, type SimHandle, type SimOptions } from '../../src/exchange/sim/index.js';

let sim: SimHandle | undefined;

async function open(opts: SimOptions = {}, price = '65000'): Promise<{ sim: SimHandle; rest: RestClientV5 }> {
  sim = await startSim({ speed: 0, ...opts });
  sim.market.setPrice('BTCUSDT', price);
  const rest = new RestClientV5(
    { key: 'sim-key', secret: 'sim-secret', baseUrl: sim.restUrl },
    { timeout: 5000 },
  );
  return { sim, rest };
}

afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

const linear = { category: 'linear', symbol: 'BTCUSDT' } as const;
const spot = { category: 'spot', symbol: 'BTCUSDT' } as const;

type Row = Record<string, unknown>;
const str = (r: Row | undefined, k: string): string => String(r?.[k] ?? '');

async function orderRow(
  rest: RestClientV5,
  orderId: string,
  cat: 'linear' | 'spot' = 'linear',
): Promise<Row> {
  const r = await rest.getActiveOrders({ category: cat, symbol: 'BTCUSDT', orderId });
  const row = r.result.list[0] as Row | undefined;
  if (!row) throw new Error(`order ${orderId} not found`);
  return row;
}

async function execs(rest: RestClientV5, orderId: string, cat: 'linear' | 'spot' = 'linear'): Promise<Row[]> {
  const r = await rest.getExecutionList({ category: cat, symbol: 'BTCUSDT', orderId, limit: 100 });
  return r.result.list as unknown as Row[];
}

async function asks(rest: RestClientV5, cat: 'linear' | 'spot' = 'linear'): Promise<[Decimal, Decimal][]> {
  const r = await rest.getOrderbook({ category: cat, symbol: 'BTCUSDT', limit: cat === 'spot' ? 200 : 500 });
  return r.result.a.map(([p, q]) => [dec(p), dec(q)] as [Decimal, Decimal]);
}

describe('book depth and the protection price', () => {
  it('a market order larger than the top of book fills across levels at a VWAP capped by the protection price and reports the rest cancelled', async () => {
    // A thin book and a narrow band (0.01%): the band ends a few levels above the ask.
    const { rest } = await open({ behaviour: { depthScale: '0.002', priceLimitRatio: '0.0001' } });
    const protection = dec('65000').mul('1.0001').div('0.1').floor().mul('0.1'); // 65006.5
    const reachable = (await asks(rest)).filter(([p]) => p.lte(protection));
    expect(reachable.length).toBeGreaterThan(3);
    const depth = reachable.reduce((s, [, q]) => s.add(q), ZERO);
    const notional = reachable.reduce((s, [p, q]) => s.add(p.mul(q)), ZERO);
    const top = reachable[0]?.[1] ?? ZERO;

    const ack = await rest.submitOrder({ ...linear, side: 'Buy', orderType: 'Market', qty: '1' });
    expect(ack.retCode).toBe(0);
    expect(dec('1').gt(depth)).toBe(true);
    expect(dec('1').gt(top)).toBe(true);

    const row = await orderRow(rest, ack.result.orderId);
    expect(row).toMatchObject({
      orderType: 'Market',
      timeInForce: 'IOC',
      orderStatus: 'PartiallyFilledCanceled',
      price: protection.toFixed(),
      qty: '1',
      leavesQty: '0',
      cumExecQty: depth.toFixed(),
      cumExecValue: notional.toFixed(),
      avgPrice: notional.div(depth).toDecimalPlaces(8).toFixed(),
    });
    expect(dec(str(row, 'avgPrice')).lte(protection)).toBe(true);
    expect(dec(str(row, 'avgPrice')).gt(reachable[0]?.[0] ?? ZERO)).toBe(true);

    // One taker execution per level, each at its level's price, none past the protection price.
    const xs = await execs(rest, ack.result.orderId);
    expect(xs).toHaveLength(reachable.length);
    const byPrice = new Map(reachable.map(([p, q]) => [p.toFixed(), q.toFixed()]));
    for (const x of xs) {
      expect(byPrice.get(str(x, 'execPrice'))).toBe(str(x, 'execQty'));
      expect(x).toMatchObject({ orderPrice: protection.toFixed(), orderType: 'Market', isMaker: false });
    }

    // The adapter reads it as a cancelled order with a partial fill.
    const report = toOrderReport('linear', row);
    expect(report.status).toBe('cancelled');
    expect(report.filledQty.toFixed()).toBe(depth.toFixed());
    expect(report.price).toBeNull();
  });

  it('a market order within the top level fills whole at the ask, and its row shows the protection price', async () => {
    const { rest } = await open();
    const [[ask, size] = [ZERO, ZERO]] = await asks(rest);
    const qty = size.gte('0.001') ? '0.001' : size.toFixed();
    const ack = await rest.submitOrder({ ...linear, side: 'Buy', orderType: 'Market', qty });
    const row = await orderRow(rest, ack.result.orderId);
    expect(row).toMatchObject({ orderStatus: 'Filled', avgPrice: ask.toFixed(), price: '65650' });
  });

  it('IOC takes what the book has up to its price; FOK fills all or nothing; GTC rests the rest', async () => {
    const { rest } = await open({ behaviour: { depthScale: '0.002' } });
    const book = await asks(rest);
    const limit = book[4]?.[0] ?? ZERO;
    const upTo = book.filter(([p]) => p.lte(limit)).reduce((s, [, q]) => s.add(q), ZERO);
    const more = upTo.add('0.01').toFixed();
    const base = { ...linear, side: 'Buy', orderType: 'Limit', price: limit.toFixed(), qty: more } as const;

    const ioc = await rest.submitOrder({ ...base, timeInForce: 'IOC' });
    expect(await orderRow(rest, ioc.result.orderId)).toMatchObject({
      orderStatus: 'PartiallyFilledCanceled',
      cumExecQty: upTo.toFixed(),
    });

    const fok = await rest.submitOrder({ ...base, timeInForce: 'FOK' });
    expect(await orderRow(rest, fok.result.orderId)).toMatchObject({
      orderStatus: 'Cancelled',
      cumExecQty: '0',
      rejectReason: 'EC_CancelForNoFullFill',
    });
    expect(await execs(rest, fok.result.orderId)).toHaveLength(0);

    const fokOk = await rest.submitOrder({ ...base, qty: upTo.toFixed(), timeInForce: 'FOK' });
    expect(await orderRow(rest, fokOk.result.orderId)).toMatchObject({ orderStatus: 'Filled' });

    const gtc = await rest.submitOrder({ ...base, timeInForce: 'GTC' });
    expect(await orderRow(rest, gtc.result.orderId)).toMatchObject({
      orderStatus: 'PartiallyFilled',
      cumExecQty: upTo.toFixed(),
      leavesQty: '0.01',
    });

    const post = await rest.submitOrder({ ...base, timeInForce: 'PostOnly' });
    expect(await orderRow(rest, post.result.orderId)).toMatchObject({
      orderStatus: 'Cancelled',
      rejectReason: 'EC_PostOnlyWillTakeLiquidity',
    });
  });

  it('liquidity=top keeps the old model: any size at the best price, market rows priced 0', async () => {
    const { rest } = await open({ behaviour: { liquidity: 'top' } });
    const ack = await rest.submitOrder({ ...linear, side: 'Buy', orderType: 'Market', qty: '5' });
    const row = await orderRow(rest, ack.result.orderId);
    expect(row).toMatchObject({ orderStatus: 'Filled', cumExecQty: '5', price: '0' });
    expect(await execs(rest, ack.result.orderId)).toHaveLength(1);
  });
});

describe('order rules', () => {
  it('refuses a conditional order already past its trigger: 110092 rising, 110093 falling', async () => {
    const { rest } = await open();
    const stop = { ...linear, side: 'Buy', orderType: 'Market', qty: '0.001' } as const;
    const rising = await rest.submitOrder({ ...stop, triggerPrice: '64000', triggerDirection: 1 });
    expect(rising.retCode).toBe(110092);
    expect(rising.retMsg).toBe('expect Rising, but trigger_price[64000] <= current[65000]??LastPrice');
    const falling = await rest.submitOrder({ ...stop, triggerPrice: '66000', triggerDirection: 2 });
    expect(falling.retCode).toBe(110093);
    expect(falling.retMsg).toBe('expect Falling, but trigger_price[66000] >= current[65000]??LastPrice');
    const ok = await rest.submitOrder({ ...stop, triggerPrice: '66000', triggerDirection: 1 });
    expect(ok.retCode).toBe(0);
    expect((await orderRow(rest, ok.result.orderId)).orderStatus).toBe('Untriggered');
  });

  it('triggerCheck=fire keeps the old behaviour: the order triggers at the next price', async () => {
    const { sim: s, rest } = await open({ behaviour: { triggerCheck: 'fire' } });
    const ack = await rest.submitOrder({
      ...linear,
      side: 'Buy',
      orderType: 'Market',
      qty: '0.001',
      triggerPrice: '64000',
      triggerDirection: 1,
    });
    expect(ack.retCode).toBe(0);
    s.market.setPrice('BTCUSDT', '65001');
    expect((await orderRow(rest, ack.result.orderId)).orderStatus).toBe('Filled');
  });

  it('refuses spot limits past the max-buy / min-sell band (170193 / 170194)', async () => {
    const { rest } = await open({ balance: '100000USDT,1BTC' });
    const high = await rest.submitOrder({
      ...spot,
      side: 'Buy',
      orderType: 'Limit',
      qty: '0.001',
      price: '65700',
    });
    expect(high).toMatchObject({ retCode: 170193, retMsg: 'Buy order price cannot be higher than 65650.' });
    const low = await rest.submitOrder({
      ...spot,
      side: 'Sell',
      orderType: 'Limit',
      qty: '0.001',
      price: '64300',
    });
    expect(low).toMatchObject({ retCode: 170194, retMsg: 'Sell order price cannot be lower than 64350.' });
    const inside = await rest.submitOrder({
      ...spot,
      side: 'Buy',
      orderType: 'Limit',
      qty: '0.001',
      price: '65600',
    });
    expect(inside.retCode).toBe(0);
  });
});

describe('fields as real rows print them', () => {
  it('linear executions carry feeCurrency "", a mark and no index price; orders carry cumFeeDetail', async () => {
    const { rest } = await open();
    const ack = await rest.submitOrder({ ...linear, side: 'Buy', orderType: 'Market', qty: '0.001' });
    const [x] = await execs(rest, ack.result.orderId);
    expect(x).toMatchObject({ feeCurrency: '', indexPrice: '', markPrice: '65000' });
    const row = await orderRow(rest, ack.result.orderId);
    expect(row.cumFeeDetail).toEqual({ USDT: row.cumExecFee });
    expect(row).toMatchObject({ takeProfit: '', stopLoss: '', triggerPrice: '' });
  });

  it('spot executions have empty mark and index prices; the fee coin is named', async () => {
    const { rest } = await open();
    const ack = await rest.submitOrder({ ...spot, side: 'Buy', orderType: 'Market', qty: '100' });
    const xs = await execs(rest, ack.result.orderId, 'spot');
    expect(xs.length).toBeGreaterThan(0);
    for (const x of xs) expect(x).toMatchObject({ feeCurrency: 'BTC', markPrice: '', indexPrice: '' });
    const row = await orderRow(rest, ack.result.orderId, 'spot');
    expect(row.cumFeeDetail).toEqual({ BTC: row.cumExecFee });
  });

  it('linearFeeCurrency=settle and unsetPrice=0 bring the old fields back', async () => {
    const { rest } = await open({ behaviour: { linearFeeCurrency: 'settle', unsetPrice: '0' } });
    const ack = await rest.submitOrder({ ...linear, side: 'Buy', orderType: 'Market', qty: '0.001' });
    expect((await execs(rest, ack.result.orderId))[0]).toMatchObject({ feeCurrency: 'USDT' });
    expect(await orderRow(rest, ack.result.orderId)).toMatchObject({ takeProfit: '0', stopLoss: '0' });
  });
});

describe('margin and wallet', () => {
  it('cross margin prints liqPrice and bustPrice ""; an isolated position is liquidated at its liqPrice', async () => {
    const { sim: s, rest } = await open();
    await rest.submitOrder({ ...linear, side: 'Buy', orderType: 'Market', qty: '0.001' });
    const cross = (await rest.getPositionInfo(linear)).result.list[0];
    expect(cross).toMatchObject({ liqPrice: '', bustPrice: '', tradeMode: 0, takeProfit: '', stopLoss: '' });

    const mode = await rest.setMarginMode('ISOLATED_MARGIN');
    expect(mode.retCode).toBe(0);
    const iso = (await rest.getPositionInfo(linear)).result.list[0];
    expect(iso?.tradeMode).toBe(1);
    const liq = dec(iso?.liqPrice ?? '0');
    const bust = dec(iso?.bustPrice ?? '0');
    expect(liq.gt(bust)).toBe(true);
    const walletBefore = dec((await coinRow(rest, 'USDT')).walletBalance);

    s.market.setPrice('BTCUSDT', liq.add('0.1').toFixed());
    expect((await rest.getPositionInfo(linear)).result.list[0]?.size).toBe('0.001');
    s.market.setPrice('BTCUSDT', liq.toFixed());
    const after = (await rest.getPositionInfo(linear)).result.list[0];
    expect(after?.size).toBe('0');
    const bustRows = (await rest.getExecutionList({ ...linear, execType: 'BustTrade' })).result.list;
    expect(bustRows).toHaveLength(1);
    const avg = dec(iso?.avgPrice ?? '0');
    const execPrice = dec(bustRows[0]?.execPrice ?? '0');
    expect(execPrice.sub(bust).abs().lte('0.1')).toBe(true);
    // The loss is the position's margin: (bust - entry) x size, no fee.
    const walletAfter = dec((await coinRow(rest, 'USDT')).walletBalance);
    expect(walletAfter.toFixed()).toBe(walletBefore.add(execPrice.sub(avg).mul('0.001')).toFixed());
  });

  it('counts BTC at its 0.95 collateral ratio in the available balance; availableToWithdraw is ""', async () => {
    const { rest } = await open({ balance: '10000USDT,1BTC' });
    const w = (await rest.getWalletBalance({ accountType: 'UNIFIED' })).result.list[0];
    expect(w?.totalAvailableBalance).toBe('71750');
    expect(w?.totalEquity).toBe('75000');
    for (const c of w?.coin ?? []) expect(c.availableToWithdraw).toBe('');
    // The collateral pays for linear margin: 1.6 BTC of perp at 10x needs about 10460 USDT, more than the
    // USDT alone.
    const big = await rest.submitOrder({ ...linear, side: 'Buy', orderType: 'Market', qty: '1.6' });
    expect(big.retCode).toBe(0);
  });

  it('availableToWithdraw=amount prints the free amount', async () => {
    const { rest } = await open({ behaviour: { availableToWithdraw: 'amount' } });
    expect((await coinRow(rest, 'USDT')).availableToWithdraw).toBe('100000');
  });
});

async function coinRow(rest: RestClientV5, coin: string) {
  const w = await rest.getWalletBalance({ accountType: 'UNIFIED', coin });
  const c = w.result.list[0]?.coin.find((x) => x.coin === coin);
  if (!c) throw new Error(`no ${coin}`);
  return c;
}

describe('history windows', () => {
  it('refuses an execution or order-history window over 7 days and defaults to the last 7', async () => {
    const { rest } = await open();
    await rest.submitOrder({ ...linear, side: 'Buy', orderType: 'Market', qty: '0.001' });
    const now = Date.now();
    const day = 86_400_000;
    const wide = await rest.getExecutionList({ ...linear, startTime: now - 8 * day, endTime: now });
    expect(wide.retCode).toBe(10001);
    const wideOrders = await rest.getHistoricOrders({ ...linear, startTime: now - 8 * day, endTime: now });
    expect(wideOrders.retCode).toBe(10001);
    expect(
      (await rest.getExecutionList({ ...linear, startTime: now - 7 * day + 5000, endTime: now + 1000 }))
        .result.list,
    ).toHaveLength(1);
    expect((await rest.getExecutionList(linear)).result.list).toHaveLength(1);
    // A window that ends before today's trade does not see it.
    const old = await rest.getExecutionList({ ...linear, endTime: now - day });
    expect(old.result.list).toHaveLength(0);
  });
});

describe('public trades', () => {
  it('/v5/market/recent-trade lists the tape newest first in Bybit shape', async () => {
    const { sim: s } = await open();
    s.market.setPrice('BTCUSDT', '65010');
    s.market.setPrice('BTCUSDT', '65005');
    const res = await fetch(`${s.restUrl}/v5/market/recent-trade?category=linear&symbol=BTCUSDT&limit=2`);
    const body = (await res.json()) as { retCode: number; result: { category: string; list: Row[] } };
    expect(body.retCode).toBe(0);
    expect(body.result.category).toBe('linear');
    expect(body.result.list.map((t) => [t.price, t.side])).toEqual([
      ['65005', 'Sell'],
      ['65010', 'Buy'],
    ]);
    expect(Object.keys(body.result.list[0] ?? {}).sort()).toEqual(
      ['execId', 'isBlockTrade', 'price', 'side', 'size', 'symbol', 'time'].sort(),
    );
  });
});

describe('replayed files', () => {
  it('moves a 2022 file to the present: the newest kline starts within a bar of the server time', async () => {
    const s = await startSim({
      speed: 0,
      data: 'tests/fixtures/sim-btc-perp-1m.csv',
      historyBars: 5,
      behaviour: { replayTimes: 'now' },
    });
    sim = s;
    const now = Date.now();
    const k = await fetch(`${s.restUrl}/v5/market/kline?category=linear&symbol=BTCUSDT&interval=1&limit=2`);
    const list = ((await k.json()) as { result: { list: string[][] } }).result.list;
    const newest = Number(list[0]?.[0]);
    expect(Math.abs(newest - now)).toBeLessThan(2 * 60_000);
    expect(newest - Number(list[1]?.[0])).toBe(60_000);
    expect(Math.abs(s.market.time() - now)).toBeLessThan(2 * 60_000);
  });
});

describe('reply and push ordering', () => {
  async function timeline(replyOrder: 'reply-first' | 'push-first'): Promise<string[]> {
    const { sim: s, rest } = await open({ behaviour: { replyOrder, pushLagMs: 20 } });
    const ws = new WebSocket(`${s.wsUrl}/v5/private`);
    await new Promise((r) => ws.once('open', r));
    const events: string[] = [];
    const acks: Row[] = [];
    ws.on('message', (d) => {
      const f = JSON.parse(String(d)) as Row;
      if (f.op) acks.push(f);
      if (f.topic === 'order') events.push('push');
    });
    const expires = Date.now() + 5000;
    ws.send(
      JSON.stringify({
        op: 'auth',
        args: ['sim-key', expires, hmacHex('sim-secret', `GET/realtime${expires}`)],
      }),
    );
    await waitFor(() => acks.some((a) => a.op === 'auth' && a.success === true));
    ws.send(JSON.stringify({ op: 'subscribe', args: ['order'], req_id: 'o' }));
    await waitFor(() => acks.some((a) => a.op === 'subscribe'));
    const ack = await rest.submitOrder({ ...linear, side: 'Buy', orderType: 'Market', qty: '0.001' });
    expect(ack.retCode).toBe(0);
    events.push('reply');
    await waitFor(() => events.filter((e) => e === 'push').length > 0);
    ws.close();
    return events;
  }

  it('reply-first: the REST answer arrives before the order frames', async () => {
    expect(await timeline('reply-first')).toEqual(['reply', 'push']);
  });

  it('push-first: the order frames arrive before the REST answer', async () => {
    expect((await timeline('push-first'))[0]).toBe('push');
  });
});

async function waitFor(ok: () => boolean, ms = 2000): Promise<void> {
  const until = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > until) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 2));
  }
}
