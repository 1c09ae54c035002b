// Fills: fees, position and wallet accounting, execution records. Linear fees are in USDT; spot buys pay the
// fee in the base coin received and sells in USDT (Bybit's rule). Realised PnL includes fees and funding.
import { Decimal, ZERO, minDec } from '../../domain/decimal.js';
import { SETTLE, type Account, type Position } from './account.js';
import type { Engine } from './engine.js';
import { isOpen, leavesQty, type SimExecution, type SimOrder } from './orders.js';

/** Split a fill into up to n executions on the quantity step (the partial-fill fault). */
export function splitQty(qty: Decimal, step: Decimal, n: number): Decimal[] {
  if (n < 2) return [qty];
  const steps = qty.div(step).floor();
  const parts = Math.min(n, steps.toNumber());
  if (parts < 2) return [qty];
  const each = steps.div(parts).floor().mul(step);
  const out: Decimal[] = [];
  for (let i = 0; i < parts - 1; i++) out.push(each);
  out.push(qty.sub(each.mul(parts - 1)));
  return out;
}

/** Give back what a resting order holds (all of it, or the share of `filled` out of `leavesBefore`). */
export function releaseHold(a: Account, o: SimOrder, filled?: Decimal, leavesBefore?: Decimal): void {
  if (o.held.isZero()) return;
  const amount =
    filled && leavesBefore && !leavesBefore.isZero()
      ? minDec(o.held, o.held.mul(filled).div(leavesBefore))
      : o.held;
  o.held = o.held.sub(amount);
  if (o.inst.category === 'linear') a.orderIM = Decimal.max(ZERO, a.orderIM.sub(amount));
  else {
    const c = a.coin(o.heldCoin);
    c.locked = Decimal.max(ZERO, c.locked.sub(amount));
  }
}

/** Take an order off the book and out of the open set, in a final status. */
export function closeOrder(
  e: Engine,
  a: Account,
  o: SimOrder,
  status: SimOrder['status'],
  cancelType = 'UNKNOWN',
): void {
  e.book(o.inst).remove(o);
  e.removeConditional(o);
  a.open.delete(o);
  releaseHold(a, o);
  o.status = status;
  if (status === 'Cancelled' || status === 'PartiallyFilledCanceled' || status === 'Deactivated')
    o.cancelType = cancelType;
  o.updatedTime = e.deps.now();
  e.touchOrder(a, o);
  e.touchWallet(a);
}

/** One execution of `qty` (base) at `price`. */
export function fillOnce(
  e: Engine,
  a: Account,
  o: SimOrder,
  qty: Decimal,
  price: Decimal,
  isMaker: boolean,
  execType: 'Trade' | 'BustTrade' = 'Trade',
): void {
  const now = e.deps.now();
  const inst = o.inst;
  const value = qty.mul(price);
  const rate = isMaker ? inst.makerFeeRate : inst.takerFeeRate;
  const leavesBefore = leavesQty(o);
  let fee: Decimal;
  // Real linear executions arrive with feeCurrency "" (the fee is in the settle coin); spot names the coin.
  let feeCurrency = e.deps.behaviour.settings.linearFeeCurrency === 'settle' ? SETTLE : '';
  let closedSize = ZERO;
  let execPnl = ZERO;
  if (inst.category === 'linear') {
    // A liquidation closes at the bankruptcy price, which already leaves nothing for a fee.
    fee = execType === 'BustTrade' ? ZERO : value.mul(rate);
    const pos = a.position(inst, now);
    const r = applyToPosition(pos, o.side, qty, price, now);
    closedSize = r.closed;
    execPnl = r.realised;
    const pnl = r.realised.sub(fee);
    pos.cumRealisedPnl = pos.cumRealisedPnl.add(pnl);
    pos.curRealisedPnl = pos.curRealisedPnl.add(pnl);
    pos.seq = e.nextExecSeq();
    a.coin(SETTLE).wallet = a.coin(SETTLE).wallet.add(pnl);
    if (!o.reduceOnly && (o.takeProfit || o.stopLoss) && !pos.size.isZero()) {
      pos.takeProfit = o.takeProfit ?? pos.takeProfit;
      pos.stopLoss = o.stopLoss ?? pos.stopLoss;
    }
    if (pos.size.isZero()) {
      pos.takeProfit = null;
      pos.stopLoss = null;
    }
    e.touchPosition(a, inst.symbol);
  } else {
    const base = a.coin(inst.baseCoin);
    const quote = a.coin(SETTLE);
    feeCurrency = SETTLE;
    if (o.side === 'Buy') {
      fee = qty.mul(rate);
      feeCurrency = inst.baseCoin;
      quote.wallet = quote.wallet.sub(value);
      base.wallet = base.wallet.add(qty).sub(fee);
    } else {
      fee = value.mul(rate);
      base.wallet = base.wallet.sub(qty);
      quote.wallet = quote.wallet.add(value).sub(fee);
    }
  }
  const filledUnit = o.marketUnit === 'quoteCoin' ? value : qty;
  releaseHold(a, o, filledUnit, leavesBefore);
  o.cumExecQty = o.cumExecQty.add(qty);
  o.cumExecValue = o.cumExecValue.add(value);
  o.cumExecFee = o.cumExecFee.add(fee);
  o.updatedTime = now;
  const leaves = leavesQty(o);
  o.status = leaves.lte(ZERO) ? 'Filled' : 'PartiallyFilled';
  if (o.status === 'Filled') {
    e.book(inst).remove(o);
    a.open.delete(o);
    releaseHold(a, o);
  }
  record(e, a, inst.category, {
    symbol: inst.symbol,
    orderId: o.orderId,
    orderLinkId: o.orderLinkId,
    side: o.side,
    orderPrice: o.price.toFixed(),
    orderQty: o.qty.toFixed(),
    leavesQty: leaves.toFixed(),
    createType: o.createType,
    orderType: o.orderType,
    stopOrderType: o.stopOrderType === '' ? 'UNKNOWN' : o.stopOrderType,
    execFee: fee.toFixed(),
    feeCurrency,
    execPrice: price.toFixed(),
    execQty: qty.toFixed(),
    execPnl: execPnl.toFixed(),
    execType,
    execValue: value.toFixed(),
    isMaker,
    feeRate: rate.toFixed(),
    closedSize: closedSize.toFixed(),
    marketUnit: o.marketUnit,
  });
  e.touchOrder(a, o);
  e.touchWallet(a);
}

/** Fill `qty` now, in several executions when the partial-fill fault is on. */
export function fill(
  e: Engine,
  a: Account,
  o: SimOrder,
  qty: Decimal,
  price: Decimal,
  isMaker: boolean,
): void {
  const parts = splitQty(qty, o.inst.qtyStep, e.deps.partialFills());
  for (const [i, part] of parts.entries()) {
    if (!isOpen(o) || part.lte(ZERO)) break;
    fillOnce(e, a, o, part, price, isMaker);
    // Each partial fill reaches the private stream on its own, as separate Bybit messages would.
    if (i < parts.length - 1) e.flush();
  }
}

/** A resting limit order reached by the price path fills in full at its own price, as maker. */
export function fillResting(e: Engine, o: SimOrder): void {
  const a = e.account(o.account);
  let qty = leavesQty(o);
  if (o.reduceOnly) {
    const pos = a.positions.get(o.inst.symbol);
    const closable =
      pos && !pos.size.isZero() && pos.size.gt(ZERO) === (o.side === 'Sell') ? pos.size.abs() : ZERO;
    if (closable.isZero()) {
      closeOrder(
        e,
        a,
        o,
        o.cumExecQty.isZero() ? 'Cancelled' : 'PartiallyFilledCanceled',
        'CancelByReduceOnly',
      );
      return;
    }
    qty = minDec(qty, closable);
  }
  fill(e, a, o, qty, o.price, true);
}

function applyToPosition(pos: Position, side: 'Buy' | 'Sell', qty: Decimal, price: Decimal, now: number) {
  const signed = side === 'Buy' ? qty : qty.neg();
  const size = pos.size;
  let realised = ZERO;
  let closed = ZERO;
  if (size.isZero() || size.gt(ZERO) === signed.gt(ZERO)) {
    if (size.isZero()) {
      pos.curRealisedPnl = ZERO;
      pos.createdTime = now;
      pos.openTime = now;
    }
    pos.avgPrice = size.abs().mul(pos.avgPrice).add(qty.mul(price)).div(size.abs().add(qty));
    pos.size = size.add(signed);
  } else {
    closed = minDec(qty, size.abs());
    realised = price
      .sub(pos.avgPrice)
      .mul(closed)
      .mul(size.gt(ZERO) ? 1 : -1);
    pos.size = size.add(signed);
    if (pos.size.isZero()) pos.avgPrice = ZERO;
    else if (pos.size.gt(ZERO) !== size.gt(ZERO)) {
      pos.avgPrice = price;
      pos.curRealisedPnl = ZERO;
      pos.openTime = now;
    }
  }
  pos.updatedTime = now;
  return { realised, closed };
}

/** Funding at a mark: longs pay shorts when the rate is positive; a Funding execution records it. */
export function applyFunding(e: Engine, a: Account, pos: Position, rate: Decimal): void {
  const now = e.deps.now();
  const mark = e.mark(pos.inst.symbol);
  const value = pos.size.abs().mul(mark);
  const fee = value.mul(rate).mul(pos.size.gt(ZERO) ? 1 : -1);
  a.coin(SETTLE).wallet = a.coin(SETTLE).wallet.sub(fee);
  pos.cumRealisedPnl = pos.cumRealisedPnl.sub(fee);
  pos.curRealisedPnl = pos.curRealisedPnl.sub(fee);
  pos.updatedTime = now;
  record(e, a, 'linear', {
    symbol: pos.inst.symbol,
    orderId: e.newId(),
    orderLinkId: '',
    side: pos.size.gt(ZERO) ? 'Buy' : 'Sell',
    orderPrice: '0',
    orderQty: pos.size.abs().toFixed(),
    leavesQty: '0',
    createType: '',
    orderType: 'UNKNOWN',
    stopOrderType: 'UNKNOWN',
    execFee: fee.toFixed(),
    feeCurrency: e.deps.behaviour.settings.linearFeeCurrency === 'settle' ? SETTLE : '',
    execPrice: mark.toFixed(),
    execQty: pos.size.abs().toFixed(),
    execPnl: '0',
    execType: 'Funding',
    execValue: value.toFixed(),
    isMaker: false,
    feeRate: rate.toFixed(),
    closedSize: '0',
    marketUnit: '',
  });
  e.touchPosition(a, pos.inst.symbol);
  e.touchWallet(a);
}

/** Store an execution (wire form, Bybit's full field set) and queue it for the private stream. */
function record(e: Engine, a: Account, category: string, f: Record<string, string | boolean>): void {
  const now = e.deps.now();
  const seq = e.nextExecSeq();
  const symbol = String(f['symbol']);
  const exec: SimExecution = {
    account: a.key,
    category,
    seq,
    time: now,
    wire: {
      ...f,
      execFeeV2: '',
      execId: e.newId(),
      execTime: String(now),
      tradeIv: '',
      markIv: '',
      // Real rows: spot has no mark or index price; linear has the mark, the index only for options.
      markPrice: category === 'spot' ? '' : e.mark(symbol).toFixed(),
      indexPrice: '',
      underlyingPrice: '',
      blockTradeId: '',
      extraFees: '',
      isLeverage: '',
      seq,
    },
  };
  a.executions.push(exec);
  e.touchExecution(a, exec);
}
