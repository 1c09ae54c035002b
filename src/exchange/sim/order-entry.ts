// /v5/order/create, amend, cancel and cancel-all: parameter rules (order-filters.ts holds the instrument ones)
// (linear: 10001 for qty/price off the filters, 110094 notional; spot: 1701xx), then hand-off to matching.
// https://bybit-exchange.github.io/docs/v5/order/create-order
import { type Decimal, ZERO } from '../../domain/decimal.js';
import { priceBand } from './book-take.js';
import type { Account } from './account.js';
import type { Engine } from './engine.js';
import { RET, fail } from './errors.js';
import { closeOrder } from './fills.js';
import type { SimInstrument } from './instruments.js';
import { checkPrice, checkQty, tpslFor } from './order-filters.js';
import { closableBy, execute, newOrder, requirement } from './matching.js';
import { isOpen, type SimOrder, type TimeInForce } from './orders.js';
import { type Params, category, instrument } from './params.js';

const LINK_ID_RE = /^[A-Za-z0-9_-]{1,36}$/;
const TIFS: readonly TimeInForce[] = ['GTC', 'IOC', 'FOK', 'PostOnly'];

export interface OrderAck {
  orderId: string;
  orderLinkId: string;
}

export function createOrder(e: Engine, a: Account, p: Params): OrderAck {
  const cat = category(p);
  const inst = instrument(cat, p.opt('symbol'));
  const spot = cat === 'spot';
  const side = p.req('side');
  if (side !== 'Buy' && side !== 'Sell') fail(RET.paramError, 'params error: side invalid');
  const orderType = p.req('orderType');
  if (orderType !== 'Market' && orderType !== 'Limit')
    fail(RET.paramError, 'params error: orderType invalid');
  const market = orderType === 'Market';
  const qty = p.dec('qty');
  if (!qty) fail(RET.paramError, 'Missing some parameters that must be filled in, pls check = qty');
  const linkId = p.opt('orderLinkId') ?? '';
  if (linkId !== '' && !LINK_ID_RE.test(linkId))
    fail(RET.paramError, 'params error: orderLinkId invalid (<= 36 of A-Z a-z 0-9 _ -)');
  const posIdx = p.opt('positionIdx') ?? '0';
  if (!spot && posIdx !== '0') fail(RET.paramError, 'position idx not match position mode');
  const tifText = p.opt('timeInForce') ?? (market ? 'IOC' : 'GTC');
  if (!(TIFS as readonly string[]).includes(tifText))
    fail(RET.paramError, 'params error: timeInForce invalid');
  const tif = (market ? 'IOC' : tifText) as TimeInForce;
  const unitText = p.opt('marketUnit');
  const quoteSized = spot && market && side === 'Buy' && unitText !== 'baseCoin';
  const price = market ? ZERO : p.dec('price');
  if (!price && !market)
    fail(RET.paramError, 'Missing some parameters that must be filled in, pls check = price');
  if (!market && price) {
    checkPrice(inst, price, 'price');
    if (spot && e.deps.behaviour.settings.spotPriceBand === 'reject') checkSpotBand(e, inst, side, price);
  }
  checkQty(inst, qty, market, quoteSized);
  if (linkId !== '' && a.byLinkId.has(linkId)) {
    fail(
      spot ? e.deps.spotDuplicateCode : RET.duplicateLinkId,
      spot ? 'Duplicate clientOrderId.' : 'OrderLinkedID is duplicate',
    );
  }
  const last = e.deps.last(inst.symbol);
  const { bid, ask } = e.bidAsk(inst);
  const refPrice = market || !price ? (side === 'Buy' ? ask : bid) : price;
  const notional = quoteSized ? qty : qty.mul(refPrice);
  if (spot && notional.lt(inst.minNotional)) fail(RET.spotValueTooLow, 'Order value exceeded lower limit.');
  if (!spot && notional.lt(inst.minNotional)) {
    fail(
      RET.notionalTooLow,
      `The order value should be greater than or equal to ${inst.minNotional.toFixed()}USDT`,
    );
  }
  const reduceOnly = !spot && p.bool('reduceOnly');
  const closeOnTrigger = !spot && p.bool('closeOnTrigger');
  let effQty = qty;
  if (reduceOnly || closeOnTrigger) {
    const closable = closableBy(a, inst, side);
    if (closable.isZero())
      fail(RET.reduceOnlyZero, 'current position is zero, cannot fix reduce-only order qty');
    if (market && effQty.gt(closable)) effQty = closable;
  }
  const triggerPrice = p.dec('triggerPrice') ?? null;
  let triggerDirection: 0 | 1 | 2 = 0;
  if (triggerPrice) {
    checkPrice(inst, triggerPrice, 'triggerPrice');
    const d = p.opt('triggerDirection');
    if (d !== undefined && d !== '1' && d !== '2')
      fail(RET.paramError, 'params error: triggerDirection invalid');
    triggerDirection = d === '1' ? 1 : d === '2' ? 2 : triggerPrice.gt(last) ? 1 : 2;
    if (e.deps.behaviour.settings.triggerCheck === 'reject')
      checkTriggerSide(triggerDirection, triggerPrice, last);
  }
  const { takeProfit, stopLoss } = tpslFor(p, inst, side, refPrice);
  const spec = {
    inst,
    side,
    orderType,
    timeInForce: tif,
    price: price ?? ZERO,
    qty: effQty,
    marketUnit: spot && market ? (quoteSized ? 'quoteCoin' : 'baseCoin') : '',
    orderLinkId: linkId,
    reduceOnly,
    closeOnTrigger,
    triggerPrice,
    triggerDirection,
    stopOrderType: triggerPrice ? 'Stop' : '',
    createType: triggerPrice ? 'CreateByStopOrder' : 'CreateByUser',
    takeProfit,
    stopLoss,
  } as const;
  if (!triggerPrice) {
    const need = requirement(a, spec, effQty, refPrice);
    const have = e.available(a, inst, need.coin);
    if (need.amount.gt(have)) {
      fail(
        spot ? RET.spotInsufficientBalance : RET.insufficientBalance,
        spot ? 'Insufficient balance.' : 'ab not enough for new order',
      );
    }
  }
  const o = newOrder(e, a, spec);
  if (triggerPrice) e.addConditional(o);
  else execute(e, a, o);
  return { orderId: o.orderId, orderLinkId: o.orderLinkId };
}

/**
 * A conditional order must wait for the market to move towards its trigger; Bybit refuses one already past
 * it. Messages as in Bybit's error table (placeholders filled; the suffix names the trigger source).
 */
function checkTriggerSide(direction: 1 | 2, trigger: Decimal, last: Decimal): void {
  if (direction === 1 && trigger.lte(last)) {
    fail(
      RET.triggerExpectRising,
      `expect Rising, but trigger_price[${trigger.toFixed()}] <= current[${last.toFixed()}]??LastPrice`,
    );
  }
  if (direction === 2 && trigger.gte(last)) {
    fail(
      RET.triggerExpectFalling,
      `expect Falling, but trigger_price[${trigger.toFixed()}] >= current[${last.toFixed()}]??LastPrice`,
    );
  }
}

/** Spot limit prices past the price-limit band are refused by default (modifyEnable=false for spot). */
function checkSpotBand(e: Engine, inst: SimInstrument, side: 'Buy' | 'Sell', price: Decimal): void {
  const band = priceBand(e, inst);
  if (side === 'Buy' && price.gt(band.maxBuy))
    fail(RET.spotBuyPriceTooHigh, `Buy order price cannot be higher than ${band.maxBuy.toFixed()}.`);
  if (side === 'Sell' && price.lt(band.minSell))
    fail(RET.spotSellPriceTooLow, `Sell order price cannot be lower than ${band.minSell.toFixed()}.`);
}

/** orderId wins over orderLinkId, as on Bybit; unknown or finished orders are 110001 (spot 170213). */
export function findOpenOrder(a: Account, p: Params, inst: SimInstrument): SimOrder {
  const id = p.opt('orderId');
  const link = p.opt('orderLinkId');
  if (!id && !link)
    fail(
      RET.paramError,
      'Missing some parameters that must be filled in, pls check = orderId or orderLinkId',
    );
  const o = id ? a.orders.get(id) : a.byLinkId.get(link as string);
  if (!o || !isOpen(o) || o.inst !== inst) {
    fail(inst.category === 'spot' ? RET.spotOrderNotFound : RET.orderNotFound, 'Order does not exist.');
  }
  return o;
}

export function amendOrder(e: Engine, a: Account, p: Params): OrderAck {
  const inst = instrument(category(p), p.opt('symbol'));
  const o = findOpenOrder(a, p, inst);
  const qty = p.dec('qty');
  const price = p.dec('price');
  const trigger = p.dec('triggerPrice');
  const tp = p.dec('takeProfit');
  const sl = p.dec('stopLoss');
  if (price && o.orderType === 'Market') fail(RET.paramError, 'cannot amend the price of a market order');
  if (price) checkPrice(inst, price, 'price');
  if (trigger) checkPrice(inst, trigger, 'triggerPrice');
  if (qty) {
    checkQty(inst, qty, o.orderType === 'Market', false);
    if (qty.lte(o.cumExecQty)) fail(RET.paramError, 'qty must be greater than the filled qty');
  }
  const unchanged =
    (!qty || qty.eq(o.qty)) &&
    (!price || price.eq(o.price)) &&
    (!trigger || (o.triggerPrice !== null && trigger.eq(o.triggerPrice))) &&
    tp === undefined &&
    sl === undefined;
  if (unchanged)
    fail(RET.paramError, 'The order remains unchanged as the parameters entered match the existing ones.');
  if (o.status !== 'Untriggered') {
    const newQty = qty ?? o.qty;
    const newPrice = price ?? o.price;
    const need = requirement(a, o, newQty.sub(o.cumExecQty), newPrice);
    const own = need.coin === o.heldCoin ? o.held : ZERO;
    const have = e.available(a, inst, need.coin).add(own);
    if (need.amount.gt(have)) {
      fail(
        inst.category === 'spot' ? RET.spotInsufficientBalance : RET.insufficientBalance,
        inst.category === 'spot' ? 'Insufficient balance.' : 'ab not enough for new order',
      );
    }
  }
  e.book(inst).remove(o);
  closeHoldForAmend(a, o);
  if (qty) o.qty = qty;
  if (price) o.price = price;
  if (trigger && o.triggerPrice) o.triggerPrice = trigger;
  if (tp !== undefined) o.takeProfit = tp.isZero() ? null : tp;
  if (sl !== undefined) o.stopLoss = sl.isZero() ? null : sl;
  o.updatedTime = e.deps.now();
  e.touchOrder(a, o);
  if (o.status !== 'Untriggered') execute(e, a, o);
  return { orderId: o.orderId, orderLinkId: o.orderLinkId };
}

function closeHoldForAmend(a: Account, o: SimOrder): void {
  if (o.held.isZero()) return;
  if (o.inst.category === 'linear') a.orderIM = a.orderIM.sub(o.held);
  else a.coin(o.heldCoin).locked = a.coin(o.heldCoin).locked.sub(o.held);
  o.held = ZERO;
}

export function cancelOrder(e: Engine, a: Account, p: Params): OrderAck {
  const inst = instrument(category(p), p.opt('symbol'));
  const o = findOpenOrder(a, p, inst);
  closeOrder(
    e,
    a,
    o,
    o.status === 'Untriggered'
      ? 'Deactivated'
      : o.cumExecQty.gt(ZERO)
        ? 'PartiallyFilledCanceled'
        : 'Cancelled',
    'CancelByUser',
  );
  return { orderId: o.orderId, orderLinkId: o.orderLinkId };
}

export function cancelAll(e: Engine, a: Account, p: Params): { list: OrderAck[]; success: string } {
  const cat = category(p);
  const symbol = p.opt('symbol');
  const baseCoin = p.opt('baseCoin');
  const settleCoin = p.opt('settleCoin');
  if (cat === 'linear' && !symbol && !baseCoin && !settleCoin) {
    fail(RET.paramError, 'Missing some parameters that must be filled in, symbol or settleCoin or baseCoin');
  }
  if (symbol) instrument(cat, symbol);
  const list: OrderAck[] = [];
  for (const o of [...a.open]) {
    if (o.inst.category !== cat) continue;
    if (symbol && o.inst.symbol !== symbol) continue;
    if (baseCoin && o.inst.baseCoin !== baseCoin) continue;
    if (settleCoin && o.inst.quoteCoin !== settleCoin) continue;
    closeOrder(
      e,
      a,
      o,
      o.status === 'Untriggered'
        ? 'Deactivated'
        : o.cumExecQty.gt(ZERO)
          ? 'PartiallyFilledCanceled'
          : 'Cancelled',
      'CancelByUser',
    );
    list.push({ orderId: o.orderId, orderLinkId: o.orderLinkId });
  }
  return { list, success: '1' };
}
