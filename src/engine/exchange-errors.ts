// Reads an exchange error's consequence without importing an adapter: every ExchangePort
// implementation throws errors carrying `consequence` (house rule 7), anything else is unknown.
export type Consequence =
  'retry' | 'wait' | 'resync-clock' | 'reconcile' | 'success' | 'reject' | 'halt' | 'unknown';

const KNOWN = new Set(['retry', 'wait', 'resync-clock', 'reconcile', 'success', 'reject', 'halt']);

export function consequenceOf(e: unknown): Consequence {
  if (typeof e === 'object' && e !== null && 'consequence' in e) {
    const c = (e as { consequence: unknown }).consequence;
    if (typeof c === 'string' && KNOWN.has(c)) return c as Consequence;
  }
  return 'unknown';
}

export function errorCode(e: unknown): number | undefined {
  if (typeof e === 'object' && e !== null && 'code' in e) {
    const c = (e as { code: unknown }).code;
    if (typeof c === 'number') return c;
  }
  return undefined;
}

/** A message safe to store and show: our errors build safe messages; anything else is summarised. */
export function safeMessage(e: unknown): string {
  if (typeof e === 'object' && e !== null && 'consequence' in e && e instanceof Error) return e.message;
  if (e instanceof Error)
    return e.name === 'Error' ? e.message.slice(0, 200) : `${e.name}: ${e.message.slice(0, 200)}`;
  return 'unexpected error';
}

/** Thrown by job bodies when BullMQ should retry later (the outcome is not final yet). */
export class RetryLater extends Error {
  override readonly name = 'RetryLater';
}
