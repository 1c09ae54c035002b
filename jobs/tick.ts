// tick: run one strategy instance on its newest closed candle. Idempotent on (instance, candle) through
// strategy_instances.last_candle_time and the unique (instance, candle, leg) intents.
import { dec } from '../src/domain/decimal.js';
import type { EngineDeps } from '../src/engine/deps.js';
import { processTick, type TickResult } from '../src/engine/tick.js';
import { tickPayload, type PayloadOf } from '../src/queue/payloads.js';

export const name = 'tick';
export const payload = tickPayload;
export const idempotencyKey = (p: PayloadOf<'tick'>): string =>
  `tick:${p.instanceId}:${p.candleTime ?? 'latest'}`;

export function process(deps: EngineDeps, p: PayloadOf<'tick'>): Promise<TickResult> {
  const c = p.candle;
  const streamed = c
    ? {
        start: c.start,
        open: dec(c.open),
        high: dec(c.high),
        low: dec(c.low),
        close: dec(c.close),
        volume: dec(c.volume),
        turnover: dec(c.turnover),
      }
    : undefined;
  return processTick(deps, p.instanceId, p.candleTime, streamed, p.series);
}
