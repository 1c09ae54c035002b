// zod schemas for the Bybit V5 payloads we read (REST `result` bodies and WS `data` items).
// Money stays a string here (map.ts makes Decimals); unknown keys are dropped.
import { z } from 'zod';
import { KLINE_INTERVALS } from '../port.js';

const money = z.string();
const optMoney = z.string().optional();
/** Timestamps arrive as ms strings over REST and as numbers over WS. */
const ms = z.union([z.string(), z.number()]).transform((v) => Number(v));

export const ServerTimeWire = z.object({
  timeSecond: z.string().optional(),
  timeNano: z.string().optional(),
});

export const InstrumentWire = z.object({
  symbol: z.string(),
  status: z.string().optional(),
  baseCoin: z.string(),
  quoteCoin: z.string(),
  lotSizeFilter: z.object({
    minOrderQty: optMoney,
    maxOrderQty: optMoney,
    qtyStep: optMoney,
    basePrecision: optMoney,
    maxMktOrderQty: optMoney,
    maxLimitOrderQty: optMoney,
    maxMarketOrderQty: optMoney,
    minNotionalValue: optMoney,
    minOrderAmt: optMoney,
  }),
  priceFilter: z.object({ tickSize: money }),
  leverageFilter: z.object({ maxLeverage: optMoney }).optional(),
});
export type InstrumentWire = z.infer<typeof InstrumentWire>;

export const KlineRowWire = z.array(z.string()).min(6);

export const TickerWire = z.object({
  symbol: z.string(),
  lastPrice: money,
  bid1Price: optMoney,
  ask1Price: optMoney,
  markPrice: optMoney,
  indexPrice: optMoney,
  fundingRate: optMoney,
  volume24h: optMoney,
  turnover24h: optMoney,
});
export type TickerWire = z.infer<typeof TickerWire>;

export const OrderWire = z.object({
  category: z.string().optional(),
  orderId: z.string(),
  orderLinkId: z.string().default(''),
  symbol: z.string(),
  side: z.enum(['Buy', 'Sell']),
  orderType: z.enum(['Market', 'Limit']),
  orderStatus: z.string(),
  price: z.string().default(''),
  qty: money,
  cumExecQty: z.string().default('0'),
  leavesQty: z.string().default('0'),
  avgPrice: z.string().default(''),
  cumExecFee: z.string().default('0'),
  timeInForce: z.string().default('GTC'),
  reduceOnly: z.boolean().default(false),
  triggerPrice: optMoney,
  takeProfit: optMoney,
  stopLoss: optMoney,
  rejectReason: z.string().optional(),
  cancelType: z.string().optional(),
  createdTime: ms,
  updatedTime: ms,
});
export type OrderWire = z.infer<typeof OrderWire>;

export const ExecutionWire = z.object({
  category: z.string().optional(),
  execId: z.string(),
  orderId: z.string(),
  orderLinkId: z.string().default(''),
  symbol: z.string(),
  side: z.enum(['Buy', 'Sell']),
  execPrice: money,
  execQty: money,
  execFee: z.string().default('0'),
  feeCurrency: z.string().default(''),
  isMaker: z.boolean().default(false),
  execType: z.string().default('Trade'),
  execTime: ms,
  // An int on the wire; a string form is read too rather than dropping the execution over it.
  seq: z
    .union([
      z.number().int().nonnegative(),
      z
        .string()
        .regex(/^\d{1,15}$/)
        .transform(Number),
    ])
    .optional(),
});
export type ExecutionWire = z.infer<typeof ExecutionWire>;

export const PositionWire = z.object({
  category: z.string().optional(),
  positionIdx: z.union([z.literal(0), z.literal(1), z.literal(2)]).default(0),
  symbol: z.string(),
  side: z.enum(['Buy', 'Sell', '', 'None']),
  size: money,
  avgPrice: z.string().default('0'),
  entryPrice: optMoney,
  markPrice: optMoney,
  leverage: optMoney,
  liqPrice: optMoney,
  unrealisedPnl: z.string().default('0'),
  cumRealisedPnl: z.string().default('0'),
  takeProfit: optMoney,
  stopLoss: optMoney,
  updatedTime: ms.optional(),
});
export type PositionWire = z.infer<typeof PositionWire>;

export const CoinWire = z.object({
  coin: z.string(),
  equity: z.string().default('0'),
  walletBalance: z.string().default('0'),
  locked: z.string().default('0'),
  unrealisedPnl: z.string().default('0'),
  cumRealisedPnl: z.string().default('0'),
});

export const WalletWire = z.object({
  accountType: z.string(),
  totalEquity: z.string().default('0'),
  totalWalletBalance: z.string().default('0'),
  totalAvailableBalance: z.string().default('0'),
  totalMarginBalance: z.string().default('0'),
  coin: z.array(CoinWire).default([]),
});
export type WalletWire = z.infer<typeof WalletWire>;

export const WsKlineWire = z.object({
  start: ms,
  interval: z.enum(KLINE_INTERVALS),
  open: money,
  high: money,
  low: money,
  close: money,
  volume: z.string().default('0'),
  turnover: z.string().default('0'),
  confirm: z.boolean(),
});

/** Any paginated list: `{ list, nextPageCursor? }`. */
export const PageWire = z.object({ list: z.array(z.unknown()), nextPageCursor: z.string().optional() });

export const OrderRefWire = z.object({ orderId: z.string(), orderLinkId: z.string().default('') });
