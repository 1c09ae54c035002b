// Acting on account-level breaches: the drawdown circuit breaker halts (and flattens when configured);
// the daily loss limit puts trading in REDUCING until the next UTC day, then lifts it by itself.
import { riskOverrides } from '../db/repos/account.js';
import { getTradingState, setTradingState } from '../db/repos/trading-state.js';
import { detectBreaches, type Breach } from '../risk/breaches.js';
import { limitsFromConfig } from '../risk/limits.js';
import type { PortfolioView } from '../portfolio/index.js';
import type { EngineDeps } from './deps.js';

const DAILY_LOSS_REASON = 'daily loss limit';
const RISK_ACTOR = 'risk';

export async function actOnBreaches(
  deps: EngineDeps,
  view: PortfolioView,
  flatten: (reason: string) => Promise<void>,
): Promise<Breach[]> {
  const limits = limitsFromConfig(deps.config.risk, await riskOverrides(deps.db));
  const breaches = detectBreaches(view, limits, deps.clock.now());
  const state = await getTradingState(deps.db);
  for (const b of breaches) {
    if (b.actions.includes('halt') && state.state !== 'HALTED') {
      await setTradingState(deps.db, 'HALTED', b.message, RISK_ACTOR);
      await deps.notifier.notify({ kind: 'risk-breach', message: b.message, action: b.actions.join('+') });
      if (b.actions.includes('flatten')) await flatten(b.message);
    } else if (b.actions.includes('reduce-only') && state.state === 'ACTIVE') {
      await setTradingState(deps.db, 'REDUCING', `${DAILY_LOSS_REASON}: ${b.message}`, RISK_ACTOR);
      await deps.notifier.notify({ kind: 'risk-breach', message: b.message, action: 'reduce-only' });
    }
  }
  // A new UTC day lifts the daily-loss restriction; a halt waits for an admin.
  const dailyStill = breaches.some((b) => b.kind === 'daily-loss');
  if (
    state.state === 'REDUCING' &&
    state.changedBy === RISK_ACTOR &&
    state.reason?.startsWith(DAILY_LOSS_REASON) &&
    !dailyStill
  ) {
    await setTradingState(deps.db, 'ACTIVE', 'daily loss limit reset at the UTC day boundary', RISK_ACTOR);
    await deps.notifier.notify({
      kind: 'kill-switch',
      state: 'ACTIVE',
      by: RISK_ACTOR,
      reason: 'new UTC day',
    });
  }
  return breaches;
}
