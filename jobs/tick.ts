// tick: run one strategy instance on its newest closed candle. Idempotent on (instance, candle) through
// strategy_instances.last_candle_time and the unique (instance, candle, leg) intents.
import type { EngineDeps } from '../src/engine/deps.js';
import { processTick, type TickResult } from '../src/engine/tick.js';
import { tickPayload, type PayloadOf } from '../src/queue/payloads.js';

export const name = 'tick';
export const payload = tickPayload;
export const idempotencyKey = (p: PayloadOf<'tick'>): string =>
  `tick:${p.instanceId}:${p.candleTime ?? 'latest'}`;

export function process(deps: EngineDeps, p: PayloadOf<'tick'>): Promise<TickResult> {
  return processTick(deps, p.instanceId, p.candleTime);
}
