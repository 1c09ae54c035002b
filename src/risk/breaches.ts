// Account-level breaches the engine acts on and alerts about: the drawdown circuit breaker (halt, and
// flatten when configured) and the daily loss limit (reduce-only until the next UTC day).
import { toPlain, ZERO } from '../domain/decimal.js';
import { formatUtc, nextUtcMidnight } from '../portfolio/time.js';
import type { PortfolioView } from '../portfolio/types.js';
import { realizedToday } from './checks/daily-loss.js';
import { fmt, pct } from './format.js';
import type { RiskLimits } from './types.js';

export const BREACH_ACTIONS = ['halt', 'flatten', 'reduce-only'] as const;
export type BreachAction = (typeof BREACH_ACTIONS)[number];

export interface Breach {
  readonly kind: 'max-drawdown' | 'daily-loss';
  readonly actions: readonly BreachAction[];
  /** When the restriction lifts by itself; null when an admin must /resume. */
  readonly until: number | null;
  /** For the alert, as it is. */
  readonly message: string;
  /** Same breach, same key: the alerts table's dedupe_key, so a breach is announced once. */
  readonly dedupeKey: string;
}

export function detectBreaches(portfolio: PortfolioView, limits: RiskLimits, now: number): Breach[] {
  const breaches: Breach[] = [];
  const { drawdownPct, peakEquity, equity } = portfolio;
  if (!drawdownPct.isZero() && drawdownPct.gte(limits.maxDrawdownPct)) {
    const flatten = limits.flattenOnDrawdown;
    breaches.push({
      kind: 'max-drawdown',
      actions: flatten ? ['halt', 'flatten'] : ['halt'],
      until: null,
      message:
        `Drawdown circuit breaker: equity ${fmt(equity, 2)} is ${pct(drawdownPct, true)} below its peak ` +
        `${fmt(peakEquity)} (limit ${pct(limits.maxDrawdownPct)}). Trading is HALTED until an admin runs /resume` +
        (flatten ? '; open positions are being flattened.' : '; open positions are left as they are.'),
      dedupeKey: `max-drawdown:${toPlain(peakEquity)}`,
    });
  }
  const loss = realizedToday(portfolio, now).neg();
  if (loss.gt(ZERO) && loss.gte(limits.dailyLossLimit)) {
    const until = nextUtcMidnight(now);
    breaches.push({
      kind: 'daily-loss',
      actions: ['reduce-only'],
      until,
      message:
        `Daily loss limit: realized loss today ${fmt(loss, 2, true)} has reached the limit ` +
        `${fmt(limits.dailyLossLimit)}. Trading is reduce-only until ${formatUtc(until)}.`,
      dedupeKey: `daily-loss:${new Date(now).toISOString().slice(0, 10)}`,
    });
  }
  return breaches;
}
