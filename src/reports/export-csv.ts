// The `csv` export: one row per closed spot lot, perp open/close, and funding payment, then totals.
//
// Columns: type,date,symbol,direction,qty,open_date,open_price,close_price,cost_basis,proceeds,
//          realized_pnl,open_fee,open_fee_currency,close_fee,close_fee_currency,amount,currency,exec_id
//   lot            a spot FIFO match: date = close date; open_date/open_price of the buy lot; cost_basis =
//                  qty × open_price, proceeds = qty × close_price, realized_pnl = proceeds − cost_basis in
//                  `currency` (the quote coin); open_fee/close_fee are the buy's and the sell's fee shares
//                  for this qty, each in its own currency; exec_id = "BUY_EXEC>SELL_EXEC".
//   close          a perp fill (or the closing part of a flip) reducing a position: open_price = average
//                  entry, close_price = fill price, realized_pnl in `currency`, close_fee = its fee share.
//   open           a perp fill (or the remainder of a flip) opening/adding: open_price, open_fee.
//   funding        amount received (negative = paid) in `currency`.
//   total-realized-pnl / total-fees / total-funding   one row per currency, in realized_pnl or amount.
// Every amount is a plain decimal string (no exponent), as exact as the stored fills; dates are UTC.
import type { ReportRow, TradesReport } from './types.js';
import { csvLine, num, utcDate } from './csv-text.js';

export const CSV_COLUMNS = [
  'type',
  'date',
  'symbol',
  'direction',
  'qty',
  'open_date',
  'open_price',
  'close_price',
  'cost_basis',
  'proceeds',
  'realized_pnl',
  'open_fee',
  'open_fee_currency',
  'close_fee',
  'close_fee_currency',
  'amount',
  'currency',
  'exec_id',
] as const;
type Column = (typeof CSV_COLUMNS)[number];

function line(values: Partial<Record<Column, string>>): string {
  return csvLine(CSV_COLUMNS.map((c) => values[c] ?? ''));
}

function rowLine(r: ReportRow): string {
  switch (r.kind) {
    case 'lot':
      return line({
        type: 'lot',
        date: utcDate(r.closeTime),
        symbol: r.symbol,
        direction: 'long',
        qty: num(r.qty),
        open_date: utcDate(r.openTime),
        open_price: num(r.openPrice),
        close_price: num(r.closePrice),
        cost_basis: num(r.costBasis),
        proceeds: num(r.proceeds),
        realized_pnl: num(r.realizedPnl),
        open_fee: num(r.openFee),
        open_fee_currency: r.openFeeCurrency,
        close_fee: num(r.closeFee),
        close_fee_currency: r.closeFeeCurrency,
        currency: r.quoteCoin,
        exec_id: `${r.openExecId}>${r.closeExecId}`,
      });
    case 'close':
      return line({
        type: 'close',
        date: utcDate(r.time),
        symbol: r.symbol,
        direction: r.direction,
        qty: num(r.qty),
        open_price: num(r.entryPrice),
        close_price: num(r.exitPrice),
        realized_pnl: num(r.realizedPnl),
        close_fee: num(r.fee),
        close_fee_currency: r.feeCurrency,
        currency: r.quoteCoin,
        exec_id: r.execId,
      });
    case 'open':
      return line({
        type: 'open',
        date: utcDate(r.time),
        symbol: r.symbol,
        direction: r.direction,
        qty: num(r.qty),
        open_date: utcDate(r.time),
        open_price: num(r.entryPrice),
        open_fee: num(r.fee),
        open_fee_currency: r.feeCurrency,
        currency: r.quoteCoin,
        exec_id: r.execId,
      });
    case 'funding':
      return line({
        type: 'funding',
        date: utcDate(r.time),
        symbol: r.symbol,
        amount: num(r.amount),
        currency: r.currency,
        exec_id: r.execId,
      });
  }
}

export function toCsv(report: TradesReport): string {
  let out = csvLine(CSV_COLUMNS);
  for (const r of report.rows) out += rowLine(r);
  const sorted = <V>(m: ReadonlyMap<string, V>): [string, V][] =>
    [...m].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  for (const [ccy, v] of sorted(report.totals.realizedPnl)) {
    out += line({ type: 'total-realized-pnl', realized_pnl: num(v), currency: ccy });
  }
  for (const [ccy, v] of sorted(report.totals.fees)) {
    out += line({ type: 'total-fees', amount: num(v), currency: ccy });
  }
  for (const [ccy, v] of sorted(report.totals.funding)) {
    out += line({ type: 'total-funding', amount: num(v), currency: ccy });
  }
  return out;
}
