// Store a report-shaped fill (or funding row) through the same repository calls the engine uses, so a
// fixed history lands in the database exactly as live fills would.
import { expect } from 'vitest';
import type { Db } from '../../src/db/client.js';
import { recordFill, recordFunding } from '../../src/db/repos/positions.js';
import type { PositionInstrument } from '../../src/domain/position.js';
import type { ReportFill } from '../../src/reports/index.js';

export async function storeReportFill(
  db: Db,
  f: ReportFill,
  inst: PositionInstrument,
  strategyInstanceId: string | null = null,
): Promise<void> {
  const r = await db.transaction((tx) =>
    f.execType === 'Funding'
      ? recordFunding(tx, inst, { id: f.execId, symbol: f.symbol, amount: f.fee.neg(), ts: f.execTime })
      : recordFill(
          tx,
          inst,
          {
            tradeId: f.execId,
            orderLinkId: null,
            symbol: f.symbol,
            side: f.side === 'Buy' ? 'Buy' : 'Sell',
            qty: f.qty,
            price: f.price,
            fee: f.fee,
            feeCurrency: f.feeCurrency,
            ts: f.execTime,
          },
          { orderId: null, category: inst.category, execType: 'Trade', strategyInstanceId },
        ),
  );
  expect(r.kind).toBe('recorded');
}
