// Tax and PnL reports over stored fills: pure functions, no I/O.
import { toCsv } from './export-csv.js';
import { toKoinlyCsv } from './export-koinly.js';
import type { TradesReport } from './types.js';

export const EXPORT_FORMATS = ['csv', 'koinly'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export function exportTrades(report: TradesReport, format: ExportFormat): string {
  return format === 'koinly' ? toKoinlyCsv(report) : toCsv(report);
}

export { buildTradesReport, totalRealized, totalsOf, rowTime } from './trades-report.js';
export { matchSpotLots, spotMovedQty } from './lots.js';
export { perpRows } from './perps.js';
export { toCsv, CSV_COLUMNS } from './export-csv.js';
export { toKoinlyCsv, KOINLY_COLUMNS } from './export-koinly.js';
export type * from './types.js';
export { coinsResolver, splitSymbol } from './coins.js';
export * from './periods.js';
export {
  netIn,
  otherCurrencies,
  pnlBreakdown,
  type CurrencyFigures,
  type CurrencyNet,
  type PnlBreakdown,
  type TradeFigures,
} from './period-net.js';
export { accountEquity, type AccountEquity, type BalanceFigures } from './account.js';
export { roundTrips, type RoundTrip } from './round-trips.js';
