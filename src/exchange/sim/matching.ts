// Matching against the simulated market: taker fills at the synthetic bid/ask, resting limit orders (maker),
// conditional orders and exchange-side TP/SL. Liquidity is unlimited; the partial-fill fault splits fills.
import { Decimal, ZERO, minDec } from '../../domain/decimal.js';
import { DEFAULT_LEVERAGE, SETTLE, bustPriceOf, type Account, type Position } from './account.js';
import type { Engine } from './engine.js';
import { depthUpTo, protectionPrice, takerLevels } from './book-take.js';
import { closeOrder, fill, fillOnce } from './fills.js';
import type { SimInstrument } from './instruments.js';
import {
  isOpen,
  leavesQty,
  type OrderType,
  type Side,
  type SimOrder,
  type StopOrderType,
  type TimeInForce,
} from './orders.js';

export interface OrderSpec {
  inst: SimInstrument;
  side: Side;
  orderType: OrderType;
  timeInForce: TimeInForce;
  price: Decimal;
  qty: Decimal;
  marketUnit: SimOrder['marketUnit'];
  orderLinkId: string;
  reduceOnly: boolean;
  closeOnTrigger: boolean;
  triggerPrice: Decimal | null;
  triggerDirection: 0 | 1 | 2;
  stopOrderType: StopOrderType;
  createType: string;
  takeProfit: Decimal | null;
  stopLoss: Decimal | null;
}

export function newOrder(e: Engine, a: Account, spec: OrderSpec): SimOrder {
  const now = e.deps.now();
  // Spelled out rather than spread: this runs on every order and object spread is measurably slower.
  const o: SimOrder = {
    orderId: e.newId(),
    orderLinkId: spec.orderLinkId,
    account: a.key,
    inst: spec.inst,
    side: spec.side,
    orderType: spec.orderType,
    timeInForce: spec.timeInForce,
    price: spec.price,
    qty: spec.qty,
    marketUnit: spec.marketUnit,
    reduceOnly: spec.reduceOnly,
    closeOnTrigger: spec.closeOnTrigger,
    triggerPrice: spec.triggerPrice,
    triggerDirection: spec.triggerDirection,
    stopOrderType: spec.stopOrderType,
    createType: spec.createType,
    takeProfit: spec.takeProfit,
    stopLoss: spec.stopLoss,
    status: spec.triggerPrice ? 'Untriggered' : 'New',
    cancelType: 'UNKNOWN',
    rejectReason: 'EC_NoError',
    cumExecQty: ZERO,
    cumExecValue: ZERO,
    cumExecFee: ZERO,
    held: ZERO,
    heldCoin: SETTLE,
    lastPriceOnCreated: e.deps.last(spec.inst.symbol),
    createdTime: now,
    updatedTime: now,
    seq: e.nextOrderSeq(),
  };
  a.orders.set(o.orderId, o);
  if (o.orderLinkId !== '') a.byLinkId.set(o.orderLinkId, o);
  a.history.push(o);
  a.open.add(o);
  e.touchOrder(a, o);
  return o;
}

/** Base quantity of the position an order would close (one-way mode), zero when it only opens. */
export function closableBy(a: Account, inst: SimInstrument, side: Side): Decimal {
  if (inst.category !== 'linear') return ZERO;
  const pos = a.positions.get(inst.symbol);
  if (!pos || pos.size.isZero()) return ZERO;
  return pos.size.gt(ZERO) === (side === 'Sell') ? pos.size.abs() : ZERO;
}

/**
 * What an order needs from the account at `price`: linear margin for the part that opens exposure (plus the
 * taker fee), spot quote for buys or base for sells. `coin` says which balance pays.
 */
export function requirement(
  a: Account,
  o: SimOrder | OrderSpec,
  qty: Decimal,
  price: Decimal,
): { coin: string; amount: Decimal } {
  const inst = o.inst;
  if (inst.category === 'linear') {
    if (o.reduceOnly || o.closeOnTrigger) return { coin: SETTLE, amount: ZERO };
    const opening = Decimal.max(ZERO, qty.sub(closableBy(a, inst, o.side)));
    const lev = a.positions.get(inst.symbol)?.leverage ?? DEFAULT_LEVERAGE;
    const value = opening.mul(price);
    return { coin: SETTLE, amount: value.div(lev).add(value.mul(inst.takerFeeRate)) };
  }
  if (o.side === 'Buy') return { coin: SETTLE, amount: o.marketUnit === 'quoteCoin' ? qty : qty.mul(price) };
  return { coin: inst.baseCoin, amount: qty };
}

/** Fill now what crosses, rest what may rest, cancel the rest (IOC / FOK / PostOnly rules). */
export function execute(e: Engine, a: Account, o: SimOrder): void {
  if (e.deps.behaviour.settings.liquidity === 'top') return executeAtTop(e, a, o);
  const { bid, ask } = e.bidAsk(o.inst);
  // A market order is an IOC limit at the protection price, and its row shows that price.
  if (o.orderType === 'Market') o.price = protectionPrice(e, o.inst, o.side);
  const limit = o.price;
  const crosses = o.side === 'Buy' ? limit.gte(ask) : limit.lte(bid);
  if (crosses && o.timeInForce === 'PostOnly') {
    o.rejectReason = 'EC_PostOnlyWillTakeLiquidity';
    closeOrder(e, a, o, 'Cancelled', 'CancelByUser');
    return;
  }
  const mustFinish = o.orderType === 'Market' || o.timeInForce === 'IOC' || o.timeInForce === 'FOK';
  if (!crosses) {
    if (mustFinish) {
      o.rejectReason = 'EC_NoImmediateQtyToFill';
      closeOrder(e, a, o, 'Cancelled', 'CancelByUser');
      return;
    }
    rest(e, a, o);
    return;
  }
  const quoteSized = o.marketUnit === 'quoteCoin';
  let want = leavesQty(o);
  if (!quoteSized && (o.reduceOnly || o.closeOnTrigger)) want = minDec(want, closableBy(a, o.inst, o.side));
  if (o.timeInForce === 'FOK' && !quoteSized && depthUpTo(e, o.inst, o.side, limit, want).lt(want)) {
    o.rejectReason = 'EC_CancelForNoFullFill';
    closeOrder(e, a, o, 'Cancelled', 'UNKNOWN');
    return;
  }
  takeBook(e, a, o, want, limit);
  if (!isOpen(o)) return;
  if (quoteSized && o.cumExecQty.gt(ZERO) && leavesQty(o).lt(o.inst.qtyStep.mul(limit))) {
    // What is left of a quote-sized buy is less than one base step: Bybit reports the order as filled.
    a.open.delete(o);
    o.status = 'Filled';
    e.touchOrder(a, o);
    return;
  }
  if (!mustFinish) {
    rest(e, a, o);
    return;
  }
  closeOrder(
    e,
    a,
    o,
    o.cumExecQty.gt(ZERO) ? 'PartiallyFilledCanceled' : 'Cancelled',
    o.reduceOnly ? 'CancelByReduceOnly' : 'UNKNOWN',
  );
}

/** Walk the opposite side level by level (one execution per level) until `want` is filled or `limit` is hit. */
function takeBook(e: Engine, a: Account, o: SimOrder, want: Decimal, limit: Decimal): void {
  const step = o.inst.qtyStep;
  let left = want;
  for (const level of takerLevels(e, o.inst, o.side, limit)) {
    if (!isOpen(o) || left.lte(ZERO)) return;
    let q: Decimal;
    if (o.marketUnit === 'quoteCoin') {
      q = minDec(level.size, left.div(level.price).div(step).floor().mul(step));
      if (q.lte(ZERO)) return;
      left = left.sub(q.mul(level.price));
    } else {
      q = minDec(level.size, left);
      left = left.sub(q);
    }
    fill(e, a, o, q, level.price, false);
  }
}

/** The older model (`liquidity=top`): any size fills at once at the best price; market rows keep price 0. */
function executeAtTop(e: Engine, a: Account, o: SimOrder): void {
  const { bid, ask } = e.bidAsk(o.inst);
  const takePrice = o.side === 'Buy' ? ask : bid;
  const crosses = o.orderType === 'Market' || (o.side === 'Buy' ? o.price.gte(ask) : o.price.lte(bid));
  if (crosses && o.timeInForce === 'PostOnly') {
    o.rejectReason = 'EC_PostOnlyWillTakeLiquidity';
    closeOrder(e, a, o, 'Cancelled', 'CancelByUser');
    return;
  }
  if (!crosses) {
    if (o.timeInForce === 'IOC' || o.timeInForce === 'FOK') {
      o.rejectReason = 'EC_NoImmediateQtyToFill';
      closeOrder(e, a, o, 'Cancelled', 'CancelByUser');
      return;
    }
    rest(e, a, o);
    return;
  }
  let qty = leavesQty(o);
  if (o.marketUnit === 'quoteCoin') qty = qty.div(takePrice).div(o.inst.qtyStep).floor().mul(o.inst.qtyStep);
  if (o.reduceOnly || o.closeOnTrigger) qty = minDec(qty, closableBy(a, o.inst, o.side));
  if (qty.gt(ZERO)) fill(e, a, o, qty, takePrice, false);
  if (!isOpen(o)) return;
  if (o.marketUnit === 'quoteCoin' && o.cumExecQty.gt(ZERO)) {
    // What is left of a quote-sized buy is less than one base step: Bybit reports the order as filled.
    a.open.delete(o);
    o.status = 'Filled';
    e.touchOrder(a, o);
    return;
  }
  const partial = o.cumExecQty.gt(ZERO);
  closeOrder(
    e,
    a,
    o,
    partial ? 'PartiallyFilledCanceled' : 'Cancelled',
    o.reduceOnly ? 'CancelByReduceOnly' : 'UNKNOWN',
  );
}

function rest(e: Engine, a: Account, o: SimOrder): void {
  const need = requirement(a, o, leavesQty(o), o.price);
  o.held = need.amount;
  o.heldCoin = need.coin;
  if (o.inst.category === 'linear') a.orderIM = a.orderIM.add(need.amount);
  else a.coin(need.coin).locked = a.coin(need.coin).locked.add(need.amount);
  e.book(o.inst).add(o);
  e.touchWallet(a);
}

export function triggerOrder(e: Engine, o: SimOrder): void {
  const a = e.account(o.account);
  if (!isOpen(o)) return;
  o.status = 'Triggered';
  o.updatedTime = e.deps.now();
  e.touchOrder(a, o);
  o.status = 'New';
  // Margin was not reserved while untriggered: check it now, as the exchange would.
  const { bid, ask } = e.bidAsk(o.inst);
  const ref = o.orderType === 'Market' ? (o.side === 'Buy' ? ask : bid) : o.price;
  const need = requirement(a, o, leavesQty(o), ref);
  const have = e.available(a, o.inst, need.coin);
  if (need.amount.gt(have)) {
    o.rejectReason = 'EC_Others';
    closeOrder(e, a, o, 'Rejected');
    return;
  }
  execute(e, a, o);
}

/** Exchange-side TP/SL on a position: a reduce-only market order closes it when the price reaches the level. */
export function checkTpsl(e: Engine, a: Account, pos: Position, price: Decimal): void {
  const long = pos.size.gt(ZERO);
  const sl = pos.stopLoss;
  const tp = pos.takeProfit;
  const slHit = sl !== null && (long ? price.lte(sl) : price.gte(sl));
  const tpHit = !slHit && tp !== null && (long ? price.gte(tp) : price.lte(tp));
  if (!slHit && !tpHit) return;
  pos.stopLoss = null;
  pos.takeProfit = null;
  const o = newOrder(e, a, {
    inst: pos.inst,
    side: long ? 'Sell' : 'Buy',
    orderType: 'Market',
    timeInForce: 'IOC',
    price: ZERO,
    qty: pos.size.abs(),
    marketUnit: '',
    orderLinkId: '',
    reduceOnly: true,
    closeOnTrigger: true,
    triggerPrice: slHit ? sl : tp,
    triggerDirection: (slHit ? !long : long) ? 1 : 2,
    stopOrderType: slHit ? 'StopLoss' : 'TakeProfit',
    createType: slHit ? 'CreateByStopLoss' : 'CreateByTakeProfit',
    takeProfit: null,
    stopLoss: null,
  });
  o.status = 'Triggered';
  e.touchOrder(a, o);
  o.status = 'New';
  execute(e, a, o);
  e.touchPosition(a, pos.inst.symbol);
}

/**
 * An isolated position whose mark reached its liquidation price (maintenance margin left): its open orders
 * are cancelled and it is closed at the bankruptcy price, a BustTrade that takes the position's margin.
 */
export function liquidate(e: Engine, a: Account, pos: Position): void {
  const bust = bustPriceOf(pos);
  if (!bust) return;
  for (const o of [...a.open]) {
    if (o.inst === pos.inst)
      closeOrder(
        e,
        a,
        o,
        o.cumExecQty.gt(ZERO) ? 'PartiallyFilledCanceled' : 'Cancelled',
        'CancelAllBeforeLiq',
      );
  }
  const price = bust.div(pos.inst.tickSize).toDecimalPlaces(0, Decimal.ROUND_HALF_UP).mul(pos.inst.tickSize);
  const long = pos.size.gt(ZERO);
  const o = newOrder(e, a, {
    inst: pos.inst,
    side: long ? 'Sell' : 'Buy',
    orderType: 'Limit',
    timeInForce: 'IOC',
    price,
    qty: pos.size.abs(),
    marketUnit: '',
    orderLinkId: '',
    reduceOnly: true,
    closeOnTrigger: true,
    triggerPrice: null,
    triggerDirection: 0,
    stopOrderType: '',
    createType: 'CreateByLiq',
    takeProfit: null,
    stopLoss: null,
  });
  fillOnce(e, a, o, pos.size.abs(), price, false, 'BustTrade');
  e.touchPosition(a, pos.inst.symbol);
}
