// The real bybit-api SDK (RestClientV5 + WebsocketClient) against the simulator: what bosun's adapter will see.
// Every test starts its own simulator on a random port, paused (speed 0) with prices set by the test.
import { performance } from 'node:perf_hooks';
import { RestClientV5, WebsocketClient, type WsKey } from 'bybit-api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dec } from '../../src/domain/decimal.js';
import { startSim, type SimHandle } from '../../src/exchange/sim/index.js';

const KEY = 'sim-key';
const SECRET = 'sim-secret';
const silent = { trace: () => undefined, info: () => undefined, error: () => undefined };

/** Routes each SDK connection to the simulator's path for it (wsUrl alone would send all keys to one path). */
class LocalWsClient extends WebsocketClient {
  constructor(private readonly base: string) {
    super({ key: KEY, secret: SECRET }, silent);
  }
  protected override async getWsUrl(wsKey: WsKey): Promise<string> {
    if (wsKey === 'v5Private') return `${this.base}/v5/private`;
    if (wsKey === 'v5SpotPublic') return `${this.base}/v5/public/spot`;
    return `${this.base}/v5/public/linear`;
  }
}

interface Frame {
  topic?: string;
  wsKey?: string;
  data?: unknown;
  op?: string;
  req_id?: string;
  success?: boolean;
}
type Row = Record<string, unknown>;

/** Collects SDK events so a test can wait for the one it needs. */
function recorder(ws: WebsocketClient) {
  const seen: { kind: string; frame: Frame; at: number }[] = [];
  const waiters: { kind: string; pred: (f: Frame) => boolean; resolve: (f: Frame) => void }[] = [];
  const push = (kind: string) => (frame: Frame) => {
    seen.push({ kind, frame, at: performance.now() });
    for (const w of [...waiters]) {
      if (w.kind === kind && w.pred(frame)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(frame);
      }
    }
  };
  for (const kind of ['update', 'response', 'authenticated', 'reconnected', 'exception'])
    ws.on(kind as 'update', push(kind));
  return {
    seen,
    wait(kind: string, pred: (f: Frame) => boolean = () => true, timeoutMs = 3000): Promise<Frame> {
      const hit = seen.find((s) => s.kind === kind && pred(s.frame));
      if (hit) return Promise.resolve(hit.frame);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`no "${kind}" event matched within ${timeoutMs} ms`)),
          timeoutMs,
        );
        waiters.push({ kind, pred, resolve: (f) => (clearTimeout(timer), resolve(f)) });
      });
    },
  };
}

const rows = (f: Frame): Row[] => (Array.isArray(f.data) ? (f.data as Row[]) : []);
const isTopic =
  (topic: string, pred: (r: Row) => boolean = () => true) =>
  (f: Frame) =>
    f.topic === topic && rows(f).some(pred);

let sim: SimHandle;
let rest: RestClientV5;
let ws: LocalWsClient | null = null;

beforeEach(async () => {
  sim = await startSim({ speed: 0 });
  sim.market.setPrice('BTCUSDT', '65000');
  sim.market.setPrice('ETHUSDT', '3500');
  rest = new RestClientV5(
    { key: KEY, secret: SECRET, baseUrl: sim.restUrl, parseAPIRateLimits: true },
    { timeout: 5000 },
  );
});

afterEach(async () => {
  ws?.closeAll(true);
  ws = null;
  await sim.close();
});

async function privateStream() {
  ws = new LocalWsClient(sim.wsUrl);
  const rec = recorder(ws);
  void ws.subscribeV5(['order', 'execution', 'position', 'wallet'], 'linear');
  await rec.wait(
    'response',
    (f) => f.op === 'subscribe' && f.success === true && (f.req_id ?? '').includes('execution'),
  );
  return rec;
}

const linear = { category: 'linear', symbol: 'BTCUSDT' } as const;

describe('orders through the SDK', () => {
  it('a market order fills on the private WS within 100 ms, with the execId /v5/execution/list returns', async () => {
    const rec = await privateStream();
    // Warm the HTTP connection and both code paths first: the figure is the fill latency, not JIT start-up.
    const warm = await rest.submitOrder({
      ...linear,
      side: 'Buy',
      orderType: 'Limit',
      qty: '0.001',
      price: '50000',
    });
    await rest.cancelOrder({ ...linear, orderId: warm.result.orderId });
    const t0 = performance.now();
    const ack = await rest.submitOrder({
      ...linear,
      side: 'Buy',
      orderType: 'Market',
      qty: '0.01',
      orderLinkId: 'mkt-1',
    });
    expect(ack.retCode).toBe(0);
    const orderId = ack.result.orderId;
    const fill = await rec.wait(
      'update',
      isTopic('execution', (r) => r['orderId'] === orderId),
    );
    const at = rec.seen.find((s) => s.frame === fill)?.at ?? Infinity;
    expect(at - t0).toBeLessThan(100);
    const exec = rows(fill)[0] as Row;
    expect(exec).toMatchObject({
      category: 'linear',
      orderLinkId: 'mkt-1',
      execType: 'Trade',
      isMaker: false,
      execQty: '0.01',
    });
    const listed = await rest.getExecutionList({ ...linear, orderId });
    expect(listed.retCode).toBe(0);
    expect(listed.result.list.map((x) => x.execId)).toEqual([exec['execId']]);
    const order = await rec.wait(
      'update',
      isTopic('order', (r) => r['orderId'] === orderId && r['orderStatus'] === 'Filled'),
    );
    expect(rows(order)[0]).toMatchObject({ cumExecQty: '0.01', leavesQty: '0' });
  });

  it('refuses orders off the instrument filters with Bybit codes', async () => {
    const off = await rest.submitOrder({ ...linear, side: 'Buy', orderType: 'Market', qty: '0.0015' });
    expect(off.retCode).toBe(10001);
    const tick = await rest.submitOrder({
      ...linear,
      side: 'Buy',
      orderType: 'Limit',
      qty: '0.001',
      price: '60000.05',
    });
    expect(tick.retCode).toBe(10001);
    const spotOff = await rest.submitOrder({
      category: 'spot',
      symbol: 'BTCUSDT',
      side: 'Sell',
      orderType: 'Limit',
      qty: '0.0000001',
      price: '70000',
    });
    expect(spotOff.retCode).toBe(170137);
    sim.market.setPrice('BTCUSDT', '4000');
    const small = await rest.submitOrder({ ...linear, side: 'Buy', orderType: 'Market', qty: '0.001' });
    expect(small.retCode).toBe(110094);
    expect(sim.state.orders()).toHaveLength(0);
  });

  it('answers 110072 for a duplicate orderLinkId and 110007 when margin is short', async () => {
    const first = await rest.submitOrder({
      ...linear,
      side: 'Buy',
      orderType: 'Limit',
      qty: '0.01',
      price: '60000',
      orderLinkId: 'dup-1',
    });
    expect(first.retCode).toBe(0);
    const again = await rest.submitOrder({
      ...linear,
      side: 'Buy',
      orderType: 'Limit',
      qty: '0.01',
      price: '60000',
      orderLinkId: 'dup-1',
    });
    expect(again.retCode).toBe(110072);
    const huge = await rest.submitOrder({ ...linear, side: 'Buy', orderType: 'Market', qty: '100' });
    expect(huge.retCode).toBe(110007);
    expect(sim.state.orders().map((o) => o.orderLinkId)).toEqual(['dup-1']);
  });

  it('rests a limit order and fills it as maker when the price path crosses it', async () => {
    const rec = await privateStream();
    const ack = await rest.submitOrder({
      ...linear,
      side: 'Buy',
      orderType: 'Limit',
      qty: '0.01',
      price: '64000',
      orderLinkId: 'lim-1',
    });
    const open = await rest.getActiveOrders({ ...linear, orderLinkId: 'lim-1' });
    expect(open.result.list[0]).toMatchObject({ orderStatus: 'New', price: '64000', leavesQty: '0.01' });
    sim.market.setPrice('BTCUSDT', '64100');
    expect(sim.state.orders()[0]?.orderStatus).toBe('New');
    sim.market.setPrice('BTCUSDT', '63990');
    const fill = await rec.wait(
      'update',
      isTopic('execution', (r) => r['orderId'] === ack.result.orderId),
    );
    expect(rows(fill)[0]).toMatchObject({
      isMaker: true,
      execPrice: '64000',
      execFee: '0.128',
      feeRate: '0.0002',
    });
    const done = await rest.getActiveOrders({ ...linear, orderLinkId: 'lim-1' });
    expect(done.result.list[0]?.orderStatus).toBe('Filled');
  });

  it('amends and cancels resting orders; unknown orders are 110001', async () => {
    const ack = await rest.submitOrder({
      ...linear,
      side: 'Buy',
      orderType: 'Limit',
      qty: '0.01',
      price: '60000',
      orderLinkId: 'am-1',
    });
    const amend = await rest.amendOrder({ ...linear, orderLinkId: 'am-1', price: '60500', qty: '0.02' });
    expect(amend.retCode).toBe(0);
    const after = await rest.getActiveOrders({ ...linear, orderId: ack.result.orderId });
    expect(after.result.list[0]).toMatchObject({ price: '60500', qty: '0.02', orderStatus: 'New' });
    const cancel = await rest.cancelOrder({ ...linear, orderId: ack.result.orderId });
    expect(cancel.retCode).toBe(0);
    expect(cancel.result.orderLinkId).toBe('am-1');
    const hist = await rest.getHistoricOrders({ ...linear, orderId: ack.result.orderId });
    expect(hist.result.list[0]?.orderStatus).toBe('Cancelled');
    expect((await rest.cancelOrder({ ...linear, orderId: ack.result.orderId })).retCode).toBe(110001);
    expect((await rest.amendOrder({ ...linear, orderLinkId: 'nope', price: '1000' })).retCode).toBe(110001);
    const open = await rest.getActiveOrders({ ...linear });
    expect(open.result.list).toEqual([]);
  });

  it('partial-fill fault: one market order, several executions with distinct execIds', async () => {
    const rec = await privateStream();
    sim.faults.set({ partialFills: 3 });
    const ack = await rest.submitOrder({ ...linear, side: 'Sell', orderType: 'Market', qty: '0.03' });
    const list = (await rest.getExecutionList({ ...linear, orderId: ack.result.orderId })).result.list;
    expect(list.length).toBe(3);
    expect(new Set(list.map((x) => x.execId)).size).toBe(3);
    expect(list.reduce((s, x) => s.add(dec(x.execQty)), dec('0')).toFixed()).toBe('0.03');
    await rec.wait(
      'update',
      isTopic('order', (r) => r['orderId'] === ack.result.orderId && r['orderStatus'] === 'PartiallyFilled'),
    );
    await rec.wait(
      'update',
      isTopic('order', (r) => r['orderId'] === ack.result.orderId && r['orderStatus'] === 'Filled'),
    );
  });
});

describe('positions and wallet', () => {
  it('a round trip realises price difference x qty minus both fees, exactly, in position and wallet', async () => {
    const buy = await rest.submitOrder({ ...linear, side: 'Buy', orderType: 'Market', qty: '0.1' });
    sim.market.setPrice('BTCUSDT', '66123.4');
    const sell = await rest.submitOrder({ ...linear, side: 'Sell', orderType: 'Market', qty: '0.1' });
    const execs = (await rest.getExecutionList({ ...linear })).result.list;
    const byOrder = (id: string) =>
      execs.find((x) => x.orderId === id) as { execPrice: string; execFee: string };
    const pIn = dec(byOrder(buy.result.orderId).execPrice);
    const pOut = dec(byOrder(sell.result.orderId).execPrice);
    expect(pIn.gt('65000') && pOut.lt('66123.4')).toBe(true);
    const qty = dec('0.1');
    const fee = (p: typeof pIn) => p.mul(qty).mul('0.00055');
    expect(byOrder(buy.result.orderId).execFee).toBe(fee(pIn).toFixed());
    const expected = pOut.sub(pIn).mul(qty).sub(fee(pIn)).sub(fee(pOut));
    const pos = (await rest.getPositionInfo({ ...linear })).result.list[0];
    expect(pos).toMatchObject({ size: '0', side: '', cumRealisedPnl: expected.toFixed() });
    const wallet = (await rest.getWalletBalance({ accountType: 'UNIFIED', coin: 'USDT' })).result.list[0];
    const usdt = wallet?.coin.find((c) => c.coin === 'USDT');
    expect(usdt?.walletBalance).toBe(dec('100000').add(expected).toFixed());
    expect(usdt?.cumRealisedPnl).toBe(expected.toFixed());
  });

  it('set-leverage, and 110043 when it does not change', async () => {
    expect((await rest.setLeverage({ ...linear, buyLeverage: '5', sellLeverage: '5' })).retCode).toBe(0);
    expect((await rest.setLeverage({ ...linear, buyLeverage: '5', sellLeverage: '5' })).retCode).toBe(110043);
    const pos = (await rest.getPositionInfo({ ...linear })).result.list[0];
    expect(pos?.leverage).toBe('5');
  });

  it('trading-stop stop-loss closes the position when the price crosses it', async () => {
    const rec = await privateStream();
    await rest.submitOrder({ ...linear, side: 'Buy', orderType: 'Market', qty: '0.02' });
    const stop = await rest.setTradingStop({
      ...linear,
      positionIdx: 0,
      tpslMode: 'Full',
      stopLoss: '64000',
    });
    expect(stop.retCode).toBe(0);
    expect((await rest.getPositionInfo({ ...linear })).result.list[0]?.stopLoss).toBe('64000');
    sim.market.setPrice('BTCUSDT', '64500');
    expect(sim.state.positions()[0]?.size).toBe('0.02');
    sim.market.setPrice('BTCUSDT', '63950');
    const closed = await rec.wait(
      'update',
      isTopic('order', (r) => r['stopOrderType'] === 'StopLoss' && r['orderStatus'] === 'Filled'),
    );
    expect(rows(closed)[0]).toMatchObject({ side: 'Sell', qty: '0.02', reduceOnly: true });
    const pos = (await rest.getPositionInfo({ ...linear })).result.list[0];
    // Bybit prints an unset stop-loss as "".
    expect(pos).toMatchObject({ size: '0', stopLoss: '' });
  });

  it('charges funding at the 8-hour mark as a Funding execution', async () => {
    await rest.submitOrder({ ...linear, side: 'Buy', orderType: 'Market', qty: '0.1' });
    const t = sim.market.time();
    const mark = (Math.floor(t / 28_800_000) + 1) * 28_800_000;
    sim.market.advance(mark - t + 1);
    const funding = (await rest.getExecutionList({ ...linear, execType: 'Funding' })).result.list;
    expect(funding).toHaveLength(1);
    expect(funding[0]).toMatchObject({
      execType: 'Funding',
      execQty: '0.1',
      execFee: '0.65',
      feeRate: '0.0001',
    });
  });
});

describe('market data', () => {
  it('pages klines newest first with end = oldest start - 1', async () => {
    const first = await rest.getKline({ ...linear, interval: '1', limit: 5 });
    const starts = first.result.list.map((r) => Number(r[0]));
    expect(starts).toHaveLength(5);
    for (let i = 1; i < starts.length; i++) expect(starts[i - 1]! - starts[i]!).toBe(60_000);
    const oldest = starts[starts.length - 1]!;
    const next = await rest.getKline({ ...linear, interval: '1', limit: 5, end: oldest - 1 });
    expect(Number(next.result.list[0]?.[0])).toBe(oldest - 60_000);
    const five = await rest.getKline({ ...linear, interval: '5', limit: 2 });
    expect(Number(five.result.list[0]?.[0]) % 300_000).toBe(0);
  });

  it('lists BTCUSDT linear with Bybit filters', async () => {
    const info = await rest.getInstrumentsInfo({ ...linear });
    expect(info.result.list[0]).toMatchObject({
      priceFilter: { tickSize: '0.10' },
      lotSizeFilter: { qtyStep: '0.001', minOrderQty: '0.001', minNotionalValue: '5' },
    });
  });
});

describe('faults', () => {
  it('10006 bursts and the per-endpoint limit come with X-Bapi-Limit headers', async () => {
    sim.faults.set({ rateLimitBurst: 2 });
    const a = await rest.getWalletBalance({ accountType: 'UNIFIED' });
    const b = await rest.getWalletBalance({ accountType: 'UNIFIED' });
    const c = await rest.getWalletBalance({ accountType: 'UNIFIED' });
    expect([a.retCode, b.retCode, c.retCode]).toEqual([10006, 10006, 0]);
    expect(a.rateLimitApi).toMatchObject({ remainingRequests: 0, maxRequests: 50 });
    expect(c.rateLimitApi).toMatchObject({ remainingRequests: 49, maxRequests: 50 });
    const codes: number[] = [];
    for (let i = 0; i < 11; i++) {
      const r = await rest.submitOrder({
        ...linear,
        side: 'Buy',
        orderType: 'Limit',
        qty: '0.001',
        price: '50000',
      });
      codes.push(r.retCode);
      if (r.retCode === 10006) expect(r.rateLimitApi?.resetAtTimestamp).toBeGreaterThan(Date.now() - 1000);
    }
    expect(codes.slice(0, 10)).toEqual(Array(10).fill(0));
    expect(codes[10]).toBe(10006);
  });

  it('lost response: the order exists although the client never got an answer', async () => {
    const impatient = new RestClientV5({ key: KEY, secret: SECRET, baseUrl: sim.restUrl }, { timeout: 300 });
    sim.faults.set({ lostResponses: 1 });
    await expect(
      impatient.submitOrder({
        ...linear,
        side: 'Buy',
        orderType: 'Market',
        qty: '0.01',
        orderLinkId: 'lost-1',
      }),
    ).rejects.toBeDefined();
    const found = await rest.getActiveOrders({ ...linear, orderLinkId: 'lost-1' });
    expect(found.result.list).toHaveLength(1);
    expect(found.result.list[0]).toMatchObject({ orderLinkId: 'lost-1', orderStatus: 'Filled' });
  });

  it('HTTP 5xx/403 fault rejects the SDK call for N requests, then recovers', async () => {
    sim.faults.set({ httpError: { status: 503, count: 1 } });
    await expect(rest.getServerTime()).rejects.toMatchObject({ code: 503 });
    expect((await rest.getServerTime()).retCode).toBe(0);
  });

  it('WS drop: the SDK reconnects, re-authenticates and keeps receiving fills', async () => {
    const rec = await privateStream();
    const authsBefore = rec.seen.filter((s) => s.kind === 'authenticated').length;
    expect(sim.faults.dropWebSockets()).toBeGreaterThan(0);
    await rec.wait('reconnected', (f) => f.wsKey === 'v5Private');
    await rec.wait(
      'authenticated',
      () => rec.seen.filter((s) => s.kind === 'authenticated').length > authsBefore,
    );
    const subs = () =>
      rec.seen.filter(
        (s) => s.kind === 'response' && s.frame.op === 'subscribe' && s.frame.wsKey === 'v5Private',
      );
    await rec.wait('response', () => subs().length >= 2);
    const ack = await rest.submitOrder({ ...linear, side: 'Buy', orderType: 'Market', qty: '0.01' });
    await rec.wait(
      'update',
      isTopic('execution', (r) => r['orderId'] === ack.result.orderId),
    );
  });
});
