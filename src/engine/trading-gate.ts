// The trading state's gate on an order leaving: HALTED lets only the kill switch's own orders out,
// REDUCING only orders that reduce a position. One rule for every path that sends.
import type { IntentRow } from '../db/repos/intents.js';

/** Whether the trading state lets this intent's order out. */
export function stateAllows(state: string, intent: Pick<IntentRow, 'source' | 'reduceOnly'>): string | null {
  if (state === 'HALTED' && intent.source !== 'kill') {
    return 'trading is HALTED (kill switch); only an admin can resume';
  }
  if (state === 'REDUCING' && !intent.reduceOnly)
    return 'trading is REDUCING: only orders that reduce a position are allowed';
  return null;
}
