// What of a simulated account outlives the process (paper trading keeps it in the database): coin balances
// and open positions. Orders and executions do not: a restart is a cancel-all, as Bybit's own maintenance can be.
import { type Decimal, dec } from '../../domain/decimal.js';
import { SETTLE, type Account } from './account.js';
import type { Engine } from './engine.js';
import { findInstrument } from './instruments.js';

export interface CoinSnapshot {
  coin: string;
  wallet: Decimal;
  cumRealisedPnl: Decimal;
}

export interface PositionSnapshot {
  symbol: string;
  /** Signed: positive long, negative short. */
  size: Decimal;
  avgPrice: Decimal;
  leverage: Decimal;
  cumRealisedPnl: Decimal;
  takeProfit: Decimal | null;
  stopLoss: Decimal | null;
  openTime: number;
}

export interface AccountSnapshot {
  coins: CoinSnapshot[];
  positions: PositionSnapshot[];
}

/** Where a simulated account's balances are kept between runs (the composition root supplies one). */
export interface AccountStore {
  load(account: string): Promise<AccountSnapshot | null>;
  save(account: string, snapshot: AccountSnapshot): Promise<void>;
}

export function snapshotOf(a: Account): AccountSnapshot {
  return {
    coins: [...a.coins].map(([coin, c]) => ({ coin, wallet: c.wallet, cumRealisedPnl: c.cumRealisedPnl })),
    // Flat rows are kept too: their leverage and realised PnL are what Bybit shows on a flat position.
    positions: [...a.positions.values()].map((p) => ({
      symbol: p.inst.symbol,
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

/** Put a stored snapshot into a fresh account (its coins replace the configured starting balance). */
export function restoreAccount(a: Account, s: AccountSnapshot, now: number): void {
  a.coins.clear();
  for (const c of s.coins) {
    const coin = a.coin(c.coin);
    coin.wallet = c.wallet;
    coin.cumRealisedPnl = c.cumRealisedPnl;
  }
  for (const p of s.positions) {
    const inst = findInstrument('linear', p.symbol);
    if (!inst) continue; // a symbol the simulator no longer lists: nothing can price or close it
    const pos = a.position(inst, now);
    pos.size = p.size;
    pos.avgPrice = p.avgPrice;
    pos.leverage = p.leverage.gt(0) ? p.leverage : dec('10');
    pos.cumRealisedPnl = p.cumRealisedPnl;
    pos.takeProfit = p.takeProfit;
    pos.stopLoss = p.stopLoss;
    pos.openTime = p.openTime;
  }
  a.coin(SETTLE);
}

/**
 * Writes changed accounts one at a time, newest state each time: a burst of fills costs one write per
 * account per round trip to the store, never a queue of stale ones.
 */
export class SnapshotSaver {
  private readonly dirty = new Set<string>();
  private running: Promise<void> | null = null;

  constructor(
    private readonly engine: Engine,
    private readonly store: AccountStore,
    private readonly log: (line: string) => void,
  ) {}

  schedule(account: string): void {
    this.dirty.add(account);
    this.running ??= this.loop();
  }

  /** Resolves once everything scheduled so far is written (or failed and logged). */
  async flush(): Promise<void> {
    while (this.running) await this.running;
  }

  private async loop(): Promise<void> {
    while (this.dirty.size > 0) {
      const keys = [...this.dirty];
      this.dirty.clear();
      for (const key of keys) {
        try {
          await this.store.save(key, snapshotOf(this.engine.account(key)));
        } catch (e) {
          // The next change writes the whole account again; a lost write costs nothing once one succeeds.
          this.log(`paper: balances of ${key} not saved: ${e instanceof Error ? e.message : String(e)}`);
        }
      }
    }
    this.running = null;
  }
}
