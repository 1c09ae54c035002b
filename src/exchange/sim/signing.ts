// Bybit V5 request authentication, checked the way Bybit does it: HMAC-SHA256 (lower-case hex) over
// `timestamp + apiKey + recvWindow + payload`, payload = raw query (GET) or raw body (POST), bytes as received.
// https://bybit-exchange.github.io/docs/v5/guide#authentication ; WS: https://bybit-exchange.github.io/docs/v5/ws/connect
import { createHmac, timingSafeEqual } from 'node:crypto';
import { RET } from './errors.js';

export const DEFAULT_RECV_WINDOW = 5000;
/** Bybit tolerates a client clock at most this far ahead of the server. */
export const MAX_AHEAD_MS = 1000;

export interface RestAuthInput {
  apiKey: string | undefined;
  timestamp: string | undefined;
  sign: string | undefined;
  recvWindow: string | undefined;
  /** Raw query string (no leading `?`) for GET, raw body text for POST. */
  payload: string;
}

export type AuthResult = { ok: true; key: string } | { ok: false; code: number; message: string };

export type SecretLookup = (key: string) => string | undefined;

export function hmacHex(secret: string, text: string): string {
  return createHmac('sha256', secret).update(text).digest('hex');
}

function sameHex(expected: string, given: string): boolean {
  const a = Buffer.from(expected, 'utf8');
  const b = Buffer.from(given, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}

const INT_RE = /^\d{1,16}$/;

export function verifyRestAuth(input: RestAuthInput, secretOf: SecretLookup, serverNow: number): AuthResult {
  const key = input.apiKey ?? '';
  const secret = key === '' ? undefined : secretOf(key);
  if (secret === undefined) return { ok: false, code: RET.badKey, message: 'API key is invalid.' };
  const tsText = input.timestamp ?? '';
  const recvText = input.recvWindow ?? String(DEFAULT_RECV_WINDOW);
  if (!INT_RE.test(tsText) || !INT_RE.test(recvText)) {
    return { ok: false, code: RET.paramError, message: 'Invalid timestamp or recv_window header.' };
  }
  const ts = Number(tsText);
  const recv = Number(recvText);
  if (!(serverNow - recv <= ts && ts < serverNow + MAX_AHEAD_MS)) {
    return {
      ok: false,
      code: RET.timestamp,
      message:
        'invalid request, please check your server timestamp or recv_window param. ' +
        `req_timestamp[${ts}],server_timestamp[${serverNow}],recv_window[${recv}]`,
    };
  }
  const origin = tsText + key + recvText + input.payload;
  if (!sameHex(hmacHex(secret, origin), input.sign ?? '')) {
    return {
      ok: false,
      code: RET.badSign,
      message: `Error sign, please check your signature generation algorithm: origin_string[${origin}]`,
    };
  }
  return { ok: true, key };
}

/** WS `{"op":"auth","args":[key, expires, signature]}`; expires must still be in the future. */
export function verifyWsAuth(args: unknown, secretOf: SecretLookup, serverNow: number): AuthResult {
  if (!Array.isArray(args) || args.length < 3)
    return { ok: false, code: RET.paramError, message: 'Params Error' };
  const [key, expires, signature] = args as unknown[];
  if (typeof key !== 'string' || typeof signature !== 'string') {
    return { ok: false, code: RET.paramError, message: 'Params Error' };
  }
  const expiresText =
    typeof expires === 'number' ? String(expires) : typeof expires === 'string' ? expires : '';
  if (!INT_RE.test(expiresText)) return { ok: false, code: RET.paramError, message: 'Params Error' };
  const secret = secretOf(key);
  if (secret === undefined) return { ok: false, code: RET.badKey, message: 'Request not authorized' };
  if (Number(expiresText) <= serverNow) {
    return { ok: false, code: RET.timestamp, message: 'Params Error: auth expired' };
  }
  if (!sameHex(hmacHex(secret, 'GET/realtime' + expiresText), signature)) {
    return { ok: false, code: RET.badSign, message: 'Request not authorized' };
  }
  return { ok: true, key };
}
