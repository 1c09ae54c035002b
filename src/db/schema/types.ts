// Column helpers: money columns are numeric in Postgres and Decimal in TypeScript (never parseFloat).
import { customType } from 'drizzle-orm/pg-core';
import { Decimal } from '../../domain/decimal.js';

/** numeric(38,18): enough for BTC quantities to 1e-18 and notionals to 1e20. */
export const money = customType<{ data: Decimal; driverData: string }>({
  dataType() {
    return 'numeric(38, 18)';
  },
  toDriver(value: Decimal): string {
    return value.toFixed();
  },
  fromDriver(value: string): Decimal {
    return new Decimal(value);
  },
});

/** A position row as stored (money as decimal strings), kept on a fill as the state it was folded onto. */
export interface PositionSnapshot {
  readonly size: string;
  readonly avgEntry: string;
  readonly costBasis: string;
  readonly realizedPnl: string;
  readonly fees: string;
  readonly otherFees: Record<string, string>;
  readonly funding: string;
  readonly fillCount: number;
  readonly openedAt: number | null;
  readonly tradeBase: string;
}
