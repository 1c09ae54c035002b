// orderLinkId derivation: deterministic from the intent, so a retried submit can never create a second order.
// Bybit allows at most 36 chars of [A-Za-z0-9_-]; the mapping below is injective over (intentId, attempt).
import { createHash } from 'node:crypto';

export const ORDER_LINK_ID_RE = /^[A-Za-z0-9_-]{1,36}$/;
const MAX = 36;
const MAX_ATTEMPT = 99_999;

export function isValidOrderLinkId(id: string): boolean {
  return ORDER_LINK_ID_RE.test(id);
}

/**
 * Direct form: the intent id itself when it is short and uses only [A-Za-z0-9-] (no underscore).
 * Hashed form: `<up to 8 readable chars>_<20 hex of sha256>`; the underscore marks it, so the two never meet.
 * Attempt n ≥ 1 appends `_r<n>`; `r` is not hex, so it cannot be confused with the hash either.
 */
export function orderLinkIdFor(intentId: string, attempt = 0): string {
  if (intentId.length === 0) throw new RangeError('orderLinkIdFor: empty intent id');
  if (!Number.isInteger(attempt) || attempt < 0 || attempt > MAX_ATTEMPT) {
    throw new RangeError(`orderLinkIdFor: attempt must be an integer 0..${MAX_ATTEMPT}, got ${attempt}`);
  }
  const suffix = attempt === 0 ? '' : `_r${attempt}`;
  if (/^[A-Za-z0-9-]+$/.test(intentId) && intentId.length + suffix.length <= MAX) return intentId + suffix;
  const readable = intentId.replace(/[^A-Za-z0-9-]/g, '').slice(0, 8);
  const hash = createHash('sha256').update(intentId, 'utf8').digest('hex').slice(0, 20);
  return `${readable}_${hash}${suffix}`;
}
