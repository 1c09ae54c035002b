// Consecutive-loss cooldown: after N losing trades in a row, new entries pause for M minutes from the
// last loss. Each further loss restarts the pause (the streak only ends with a winning trade).
import { formatUtc } from '../../portfolio/time.js';
import { deny, isEntry, type RiskCheck } from './types.js';

export const lossCooldownCheck: RiskCheck = {
  name: 'loss-cooldown',
  needs: 'nothing',
  inputs: (ctx) => ({
    consecutiveLosses: ctx.portfolio.consecutiveLosses,
    lastLossAt: ctx.portfolio.lastLossAt,
    losses: ctx.limits.lossCooldown.losses,
    minutes: ctx.limits.lossCooldown.minutes,
    entry: isEntry(ctx),
  }),
  run: (ctx) => {
    const { consecutiveLosses, lastLossAt } = ctx.portfolio;
    const { losses, minutes } = ctx.limits.lossCooldown;
    if (consecutiveLosses < losses || lastLossAt === null || !isEntry(ctx)) return null;
    const until = lastLossAt + minutes * 60_000;
    if (ctx.now >= until) return null;
    return deny(
      'loss-cooldown',
      `${consecutiveLosses} losing trades in a row: new entries are paused until ${formatUtc(until)} (cooldown ${minutes} min)`,
    );
  },
};
