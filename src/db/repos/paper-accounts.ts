// Paper trading's simulated account (BYBIT_ENV=paper): coin balances and positions, written whole in one
// transaction each time they change, read once when the paper exchange starts.
import { eq } from 'drizzle-orm';
import type { Decimal } from '../../domain/decimal.js';
import type { Db } from '../client.js';
import { paperBalances, paperPositions } from '../schema/index.js';

export interface PaperAccount {
  coins: { coin: string; wallet: Decimal; cumRealisedPnl: Decimal }[];
  positions: {
    symbol: string;
    size: Decimal;
    avgPrice: Decimal;
    leverage: Decimal;
    cumRealisedPnl: Decimal;
    takeProfit: Decimal | null;
    stopLoss: Decimal | null;
    openTime: number;
  }[];
}

/** The stored account, or null when this account has never traded on paper. */
export async function loadPaperAccount(db: Db, account: string): Promise<PaperAccount | null> {
  const coins = await db.select().from(paperBalances).where(eq(paperBalances.account, account));
  if (coins.length === 0) return null;
  const positions = await db.select().from(paperPositions).where(eq(paperPositions.account, account));
  return {
    coins: coins.map((c) => ({ coin: c.coin, wallet: c.wallet, cumRealisedPnl: c.cumRealisedPnl })),
    positions: positions.map((p) => ({
      symbol: p.symbol,
      size: p.size,
      avgPrice: p.avgPrice,
      leverage: p.leverage,
      cumRealisedPnl: p.cumRealisedPnl,
      takeProfit: p.takeProfit,
      stopLoss: p.stopLoss,
      openTime: p.openTime,
    })),
  };
}

/** Replace the stored account with `a` (a coin or position no longer held disappears with it). */
export async function savePaperAccount(db: Db, account: string, a: PaperAccount): Promise<void> {
  const now = new Date();
  await db.transaction(async (tx) => {
    await tx.delete(paperBalances).where(eq(paperBalances.account, account));
    await tx.delete(paperPositions).where(eq(paperPositions.account, account));
    if (a.coins.length > 0)
      await tx.insert(paperBalances).values(a.coins.map((c) => ({ account, ...c, updatedAt: now })));
    if (a.positions.length > 0)
      await tx.insert(paperPositions).values(a.positions.map((p) => ({ account, ...p, updatedAt: now })));
  });
}
