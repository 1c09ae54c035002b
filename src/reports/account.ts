// The account's equity as every report shows it (/status, /balance, the API): the venue's last synced
// balance of the report currency (wallet + unrealized), else the last equity snapshot.
import type { Decimal } from '../domain/decimal.js';

export interface BalanceFigures {
  readonly coin: string;
  readonly walletBalance: Decimal;
  readonly equity: Decimal;
  readonly updatedAt: Date;
}

export interface AccountEquity {
  readonly coin: string;
  /** Wallet balance plus the unrealized PnL of open positions, as the venue reports it. */
  readonly equity: Decimal;
  /** null when only a snapshot is known. */
  readonly wallet: Decimal | null;
  /** equity − wallet: the open positions' unrealized PnL in the venue's own marks; null with a snapshot. */
  readonly unrealized: Decimal | null;
  readonly source: 'balance' | 'snapshot';
  readonly asOf: number;
}

export function accountEquity(
  balances: readonly BalanceFigures[],
  snapshot: { readonly ts: number; readonly equity: Decimal } | null,
  coin: string,
): AccountEquity | null {
  const b = balances.find((x) => x.coin === coin);
  if (b)
    return {
      coin,
      equity: b.equity,
      wallet: b.walletBalance,
      unrealized: b.equity.minus(b.walletBalance),
      source: 'balance',
      asOf: b.updatedAt.getTime(),
    };
  if (!snapshot) return null;
  return {
    coin,
    equity: snapshot.equity,
    wallet: null,
    unrealized: null,
    source: 'snapshot',
    asOf: snapshot.ts,
  };
}
