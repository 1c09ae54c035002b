// Order and execution records kept by the simulator, and their Bybit V5 wire form
// (https://bybit-exchange.github.io/docs/v5/order/open-order, .../order/execution).
import type { Decimal } from '../../domain/decimal.js';
import { ZERO } from '../../domain/decimal.js';
import type { SimInstrument } from './instruments.js';

export type Side = 'Buy' | 'Sell';
export type OrderType = 'Market' | 'Limit';
export type TimeInForce = 'GTC' | 'IOC' | 'FOK' | 'PostOnly';
export type OrderStatus =
  | 'New'
  | 'PartiallyFilled'
  | 'Filled'
  | 'Cancelled'
  | 'PartiallyFilledCanceled'
  | 'Rejected'
  | 'Untriggered'
  | 'Triggered'
  | 'Deactivated';
export type StopOrderType = '' | 'Stop' | 'StopLoss' | 'TakeProfit';

export interface SimOrder {
  readonly orderId: string;
  readonly orderLinkId: string;
  readonly account: string;
  readonly inst: SimInstrument;
  readonly side: Side;
  readonly orderType: OrderType;
  readonly timeInForce: TimeInForce;
  /** 0 for market orders. */
  price: Decimal;
  /** Base quantity, or quote amount for a spot market buy with marketUnit quoteCoin. */
  qty: Decimal;
  readonly marketUnit: 'baseCoin' | 'quoteCoin' | '';
  readonly reduceOnly: boolean;
  readonly closeOnTrigger: boolean;
  triggerPrice: Decimal | null;
  readonly triggerDirection: 0 | 1 | 2;
  readonly stopOrderType: StopOrderType;
  readonly createType: string;
  takeProfit: Decimal | null;
  stopLoss: Decimal | null;
  status: OrderStatus;
  cancelType: string;
  rejectReason: string;
  cumExecQty: Decimal;
  cumExecValue: Decimal;
  cumExecFee: Decimal;
  /** Margin (linear) or coin (spot) held while the order rests. */
  held: Decimal;
  heldCoin: string;
  readonly lastPriceOnCreated: Decimal;
  readonly createdTime: number;
  updatedTime: number;
  /** Arrival order, the tie-break between equal prices. */
  readonly seq: number;
}

export const OPEN_STATUSES: ReadonlySet<OrderStatus> = new Set(['New', 'PartiallyFilled', 'Untriggered']);

export function isOpen(o: SimOrder): boolean {
  return OPEN_STATUSES.has(o.status);
}

/** Quantity still to fill, in the unit of `qty` (quote for quote-sized spot market buys). */
export function leavesQty(o: SimOrder): Decimal {
  if (!isOpen(o)) return ZERO;
  if (o.marketUnit === 'quoteCoin') return o.qty.sub(o.cumExecValue);
  return o.qty.sub(o.cumExecQty);
}

/** How an unset price prints: "" as on real rows, or "0" (the `unsetPrice` behaviour switch). */
export type UnsetPrice = '' | '0';

/** The coin an order's fees are charged in: linear the settle coin, spot buys the base, spot sells the quote. */
export function feeCoinOf(o: SimOrder): string {
  if (o.inst.category === 'spot' && o.side === 'Buy') return o.inst.baseCoin;
  return o.inst.quoteCoin;
}
/** Averages are quotients; print them at 8 decimals like Bybit does rather than 40 digits. */
const avg = (d: Decimal): string => d.toDecimalPlaces(8).toFixed();

export function renderOrder(
  o: SimOrder,
  withCategory: boolean,
  unset: UnsetPrice = '',
): Record<string, unknown> {
  const s = (d: Decimal | null): string => (d === null ? unset : d.toFixed());
  const leaves = leavesQty(o);
  const base = {
    orderId: o.orderId,
    orderLinkId: o.orderLinkId,
    blockTradeId: '',
    symbol: o.inst.symbol,
    price: s(o.price),
    qty: o.qty.toFixed(),
    side: o.side,
    isLeverage: '',
    positionIdx: 0,
    orderStatus: o.status,
    createType: o.createType,
    cancelType: o.cancelType,
    rejectReason: o.rejectReason,
    avgPrice: o.cumExecQty.isZero() ? '' : avg(o.cumExecValue.div(o.cumExecQty)),
    leavesQty: leaves.toFixed(),
    leavesValue: o.price.isZero() ? '0' : leaves.mul(o.price).toFixed(),
    cumExecQty: o.cumExecQty.toFixed(),
    cumExecValue: o.cumExecValue.toFixed(),
    cumExecFee: o.cumExecFee.toFixed(),
    cumFeeDetail: o.cumExecFee.isZero() ? {} : { [feeCoinOf(o)]: o.cumExecFee.toFixed() },
    timeInForce: o.timeInForce,
    orderType: o.orderType,
    stopOrderType: o.stopOrderType,
    orderIv: '',
    marketUnit: o.marketUnit,
    triggerPrice: s(o.triggerPrice),
    takeProfit: s(o.takeProfit),
    stopLoss: s(o.stopLoss),
    tpslMode: o.takeProfit || o.stopLoss ? 'Full' : '',
    ocoTriggerType: '',
    tpLimitPrice: '0',
    slLimitPrice: '0',
    tpTriggerBy: o.takeProfit ? 'LastPrice' : '',
    slTriggerBy: o.stopLoss ? 'LastPrice' : '',
    triggerDirection: o.triggerDirection,
    triggerBy: o.triggerPrice ? 'LastPrice' : '',
    lastPriceOnCreated: o.lastPriceOnCreated.toFixed(),
    basePrice: o.lastPriceOnCreated.toFixed(),
    reduceOnly: o.reduceOnly,
    closeOnTrigger: o.closeOnTrigger,
    placeType: '',
    smpType: 'None',
    smpGroup: 0,
    smpOrderId: '',
    slippageToleranceType: 'UNKNOWN',
    slippageTolerance: '',
    createdTime: String(o.createdTime),
    updatedTime: String(o.updatedTime),
    extraFees: '',
  };
  if (!withCategory) return base;
  return { category: o.inst.category, ...base, closedPnl: '0', feeCurrency: '' };
}

/** Executions are immutable once made, so they are kept in wire form plus the fields filters need. */
export interface SimExecution {
  readonly account: string;
  readonly category: string;
  readonly seq: number;
  readonly time: number;
  readonly wire: Readonly<Record<string, string | number | boolean>>;
}

export function renderExecution(e: SimExecution, withCategory: boolean): Record<string, unknown> {
  return withCategory ? { category: e.category, ...e.wire } : { ...e.wire };
}
