// The `koinly` export: Koinly's universal CSV layout
//   Date,Sent Amount,Sent Currency,Received Amount,Received Currency,Fee Amount,Fee Currency,
//   Net Worth Amount,Net Worth Currency,Label,Description,TxHash
// Mapping (dates `YYYY-MM-DD HH:mm:ss UTC`; TxHash = exec id + suffix, unique per row so Koinly's
// de-duplication never merges two rows):
//   spot fill     a trade row per fill: a Buy sends qty × price quote and receives qty base, a Sell the
//                 reverse; the fee (either coin) in Fee Amount/Currency, a rebate (negative fee) as its own
//                 "reward" row. Koinly matches the lots itself (set its cost-basis method to FIFO to get
//                 the `csv` export's lots). TxHash EXEC.
//   perp close    realized PnL ≠ 0: Received (gain) or Sent (loss) |PnL| in the quote coin, label
//                 "realized gain". TxHash EXEC:pnl.
//   perp fee      each perp fill's fee as its own row: Sent fee, label "cost" (a rebate: Received,
//                 label "reward"). TxHash EXEC:fee.
//   funding       received: Received, label "income"; paid: Sent, label "cost". TxHash EXEC.
// Net Worth is left empty: Koinly prices the coins itself and the quote coin need not be fiat.
import { ZERO } from '../domain/decimal.js';
import type { Decimal } from '../domain/decimal.js';
import { csvLine, num, utcDate } from './csv-text.js';
import type { SpotTrade, TradesReport } from './types.js';

export const KOINLY_COLUMNS = [
  'Date',
  'Sent Amount',
  'Sent Currency',
  'Received Amount',
  'Received Currency',
  'Fee Amount',
  'Fee Currency',
  'Net Worth Amount',
  'Net Worth Currency',
  'Label',
  'Description',
  'TxHash',
] as const;

interface KoinlyRow {
  time: number;
  sent?: [Decimal, string];
  received?: [Decimal, string];
  fee?: [Decimal, string];
  label?: string;
  description: string;
  txHash: string;
}

function koinlyLine(r: KoinlyRow): string {
  return csvLine([
    utcDate(r.time),
    num(r.sent?.[0]),
    r.sent?.[1] ?? '',
    num(r.received?.[0]),
    r.received?.[1] ?? '',
    num(r.fee?.[0]),
    r.fee?.[1] ?? '',
    '',
    '',
    r.label ?? '',
    r.description,
    r.txHash,
  ]);
}

/** A signed amount as an outgoing (negative) or incoming (positive) row. */
function flow(amount: Decimal, ccy: string, outLabel: string, inLabel: string): Partial<KoinlyRow> {
  return amount.isNegative()
    ? { sent: [amount.neg(), ccy], label: outLabel }
    : { received: [amount, ccy], label: inLabel };
}

function spotRows(t: SpotTrade): KoinlyRow[] {
  const f = t.fill;
  const quote = f.qty.mul(f.price);
  const base: [Decimal, string] = [f.qty, t.baseCoin];
  const q: [Decimal, string] = [quote, t.quoteCoin];
  const main: KoinlyRow = {
    time: f.execTime,
    ...(f.side === 'Buy' ? { sent: q, received: base } : { sent: base, received: q }),
    ...(f.fee.gt(ZERO) ? { fee: [f.fee, f.feeCurrency] as [Decimal, string] } : {}),
    description: `${f.symbol} spot ${f.side.toLowerCase()} ${f.qty.toFixed()} @ ${f.price.toFixed()}`,
    txHash: f.execId,
  };
  if (!f.fee.isNegative()) return [main];
  return [
    main,
    {
      time: f.execTime,
      received: [f.fee.neg(), f.feeCurrency],
      label: 'reward',
      description: `${f.symbol} maker rebate`,
      txHash: `${f.execId}:rebate`,
    },
  ];
}

export function toKoinlyCsv(report: TradesReport): string {
  const rows: KoinlyRow[] = report.spotTrades.flatMap(spotRows);
  for (const r of report.rows) {
    if (r.kind === 'funding') {
      if (r.amount.isZero()) continue;
      rows.push({
        time: r.time,
        ...flow(r.amount, r.currency, 'cost', 'income'),
        description: `${r.symbol} funding ${r.amount.isNegative() ? 'paid' : 'received'}`,
        txHash: r.execId,
      });
      continue;
    }
    if (r.kind === 'lot') continue;
    if (r.kind === 'close' && !r.realizedPnl.isZero()) {
      rows.push({
        time: r.time,
        ...flow(r.realizedPnl, r.quoteCoin, 'realized gain', 'realized gain'),
        description: `${r.symbol} ${r.direction} close ${r.qty.toFixed()} @ ${num(r.exitPrice)} (entry ${r.entryPrice.toFixed()})`,
        txHash: `${r.execId}:pnl`,
      });
    }
    if (!r.fee.isZero()) {
      rows.push({
        time: r.time,
        ...flow(r.fee.neg(), r.feeCurrency, 'cost', 'reward'),
        description: `${r.symbol} ${r.direction} ${r.kind} fee`,
        txHash: `${r.execId}:${r.kind}-fee`,
      });
    }
  }
  rows.sort((a, b) => a.time - b.time);
  return csvLine(KOINLY_COLUMNS) + rows.map(koinlyLine).join('');
}
