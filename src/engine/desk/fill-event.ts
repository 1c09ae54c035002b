// Venue reports and candles in the desk's event shapes (money as decimal strings, bars as the SDK's).
import type { Decimal } from '../../domain/decimal.js';
import type { FillReport } from '../../exchange/port.js';
import type { Bar } from '../../sdk/types.js';
import type { FillDeskEvent } from './events.js';

export function fillEvent(f: FillReport): FillDeskEvent {
  return {
    kind: 'fill',
    category: f.category,
    execId: f.execId,
    orderLinkId: f.orderLinkId,
    symbol: f.symbol,
    side: f.side === 'buy' ? 'Buy' : 'Sell',
    qty: f.qty.toFixed(),
    price: f.price.toFixed(),
    fee: f.fee.toFixed(),
    feeCurrency: f.feeCurrency,
    isMaker: f.isMaker,
    execType: f.execType,
    ts: f.ts,
    ...(f.seq !== undefined ? { seq: f.seq } : {}),
  };
}

type Price = Decimal | string;

/** A candle as the strategies see it: the double nearest each venue decimal (the kernel keeps money exact). */
export function barOf(c: {
  start: number;
  open: Price;
  high: Price;
  low: Price;
  close: Price;
  volume: Price;
}): Bar {
  return {
    openTime: c.start,
    open: Number(c.open.toString()),
    high: Number(c.high.toString()),
    low: Number(c.low.toString()),
    close: Number(c.close.toString()),
    volume: Number(c.volume.toString()),
  };
}
