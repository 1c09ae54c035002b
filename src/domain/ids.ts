// Intent ids and the canonical orderLinkId derivation: pure, so the engine, the adapter and reconciliation
// agree on which venue order belongs to which intent and attempt. Bybit: ≤ 36 chars of [A-Za-z0-9_-].

/** Bybit's limit for orderLinkId. */
export const ORDER_LINK_ID_MAX = 36;
export const ORDER_LINK_ID_PREFIX = 'bsn';
export const MAX_ATTEMPT = 9999;

const ORDER_LINK_ID_RE = /^[A-Za-z0-9_-]{1,36}$/;
/** Lower-case base36, ≤ 26 chars: leaves room for "bsn-" and "-9999" within 36. */
const INTENT_ID_RE = /^[0-9a-z]{1,26}$/;
const BOSUN_LINK_RE = /^bsn-([0-9a-z]{1,26})-([1-9][0-9]{0,3})$/;

const TS_WIDTH = 9; // base36 ms timestamps stay 9 chars wide until the year 5188
const RANDOM_BYTES = 8;
const RANDOM_WIDTH = 13; // 2^64 in base36 needs 13 digits

/** Any id Bybit accepts as orderLinkId (bosun's own or not). */
export function isValidOrderLinkId(s: string): boolean {
  return ORDER_LINK_ID_RE.test(s);
}

export function isIntentId(s: string): boolean {
  return INTENT_ID_RE.test(s);
}

/**
 * A new intent id: 9 chars of base36 time (so ids sort by creation) then 13 of base36 randomness.
 * Time and randomness are passed in; the domain reads neither.
 */
export function makeIntentId(nowMs: number, random: Uint8Array): string {
  if (!Number.isSafeInteger(nowMs) || nowMs < 0)
    throw new RangeError(`timestamp must be a non-negative integer, got ${nowMs}`);
  if (random.length < RANDOM_BYTES)
    throw new RangeError(`need ${RANDOM_BYTES} random bytes, got ${random.length}`);
  let r = 0n;
  for (const b of random.subarray(0, RANDOM_BYTES)) r = (r << 8n) | BigInt(b);
  return nowMs.toString(36).padStart(TS_WIDTH, '0') + r.toString(36).padStart(RANDOM_WIDTH, '0');
}

/** Milliseconds encoded in an id from makeIntentId; null for ids of another shape. */
export function intentIdTime(intentId: string): number | null {
  if (!isIntentId(intentId) || intentId.length !== TS_WIDTH + RANDOM_WIDTH) return null;
  return parseInt(intentId.slice(0, TS_WIDTH), 36);
}

/**
 * The orderLinkId for one submission attempt of an intent: `bsn-<intentId>-<attempt>`. A new attempt
 * (new id) is only made once reconciliation has proved the previous one absent; never resubmit blindly.
 */
export function orderLinkIdFor(intentId: string, attempt: number): string {
  if (!isIntentId(intentId)) throw new RangeError(`not an intent id: "${intentId}" (1-26 chars of [0-9a-z])`);
  if (!Number.isInteger(attempt) || attempt < 1 || attempt > MAX_ATTEMPT) {
    throw new RangeError(`attempt must be an integer 1..${MAX_ATTEMPT}, got ${attempt}`);
  }
  return `${ORDER_LINK_ID_PREFIX}-${intentId}-${attempt}`;
}

/** The intent and attempt behind one of our orderLinkIds; null for orders bosun did not place. */
export function parseOrderLinkId(orderLinkId: string): { intentId: string; attempt: number } | null {
  const m = BOSUN_LINK_RE.exec(orderLinkId);
  if (!m?.[1] || !m[2]) return null;
  return { intentId: m[1], attempt: Number(m[2]) };
}

export function isBosunOrderLinkId(orderLinkId: string): boolean {
  return parseOrderLinkId(orderLinkId) !== null;
}
