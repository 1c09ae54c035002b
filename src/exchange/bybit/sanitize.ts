// Turns whatever bybit-api threw into a few safe facts. Its rejections carry `requestOptions` with the API
// key and secret (and axios errors carry signed headers), so nothing of the raw object survives this file.

export interface SafeFailure {
  /** HTTP status when the venue answered. */
  readonly status: number | null;
  /** retCode from a JSON body, if the body had one. */
  readonly retCode: number | null;
  /** Node/axios error code (ECONNRESET, ECONNABORTED, …). */
  readonly netCode: string | null;
  /** Sanitized, short, human text. */
  readonly text: string;
  /** From x-bapi-limit-reset-timestamp or Retry-After, epoch ms. */
  readonly resetAt: number | null;
}

const MAX_TEXT = 160;

/** Removes secrets and signing material from venue/SDK text, and bounds its length. */
export function scrub(text: string, secrets: readonly string[]): string {
  let out = text
    // 10004 echoes the signed string (which embeds the API key): drop it whole.
    .replace(/origin_string\[[^\]]*\]?/gi, 'origin_string[redacted]')
    .replace(/[0-9a-f]{64}/gi, '[redacted]');
  for (const s of secrets) {
    if (s.length >= 4) out = out.split(s).join('[redacted]');
  }
  out = out.replace(/\s+/g, ' ').trim();
  return out.length > MAX_TEXT ? `${out.slice(0, MAX_TEXT)}…` : out;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null;
}

function header(headers: unknown, name: string): string | null {
  if (!isRecord(headers)) return null;
  const get = headers.get;
  if (typeof get === 'function') {
    const v: unknown = get.call(headers, name);
    if (typeof v === 'string') return v;
  }
  for (const [k, v] of Object.entries(headers)) {
    if (k.toLowerCase() === name && (typeof v === 'string' || typeof v === 'number')) return String(v);
  }
  return null;
}

function resetFromHeaders(headers: unknown, now: number): number | null {
  const reset = header(headers, 'x-bapi-limit-reset-timestamp');
  if (reset && /^\d+$/.test(reset)) return Number(reset);
  const retryAfter = header(headers, 'retry-after');
  if (retryAfter && /^\d+$/.test(retryAfter)) return now + Number(retryAfter) * 1000;
  return null;
}

function retCodeOf(body: unknown): number | null {
  let b = body;
  if (typeof b === 'string') {
    try {
      b = JSON.parse(b) as unknown;
    } catch {
      return null;
    }
  }
  return isRecord(b) && typeof b.retCode === 'number' ? b.retCode : null;
}

/** Reads only known-safe fields; never keeps a reference to the input. */
export function describeFailure(e: unknown, secrets: readonly string[], now: number): SafeFailure {
  if (typeof e === 'string') {
    return { status: null, retCode: null, netCode: null, text: scrub(e, secrets), resetAt: null };
  }
  if (!isRecord(e)) {
    return { status: null, retCode: null, netCode: null, text: 'unknown failure', resetAt: null };
  }
  // SDK shape for non-2xx: { code: status, message: statusText, body, headers, requestOptions }.
  if (typeof e.code === 'number' && 'requestOptions' in e) {
    const statusText = typeof e.message === 'string' ? e.message : '';
    return {
      status: e.code,
      retCode: retCodeOf(e.body),
      netCode: null,
      text: scrub(`HTTP ${e.code} ${statusText}`, secrets),
      resetAt: resetFromHeaders(e.headers, now),
    };
  }
  // A raw axios/Node error: code is a string like ECONNRESET.
  const netCode = typeof e.code === 'string' ? e.code : null;
  const response = isRecord(e.response) ? e.response : null;
  const status = response && typeof response.status === 'number' ? response.status : null;
  const message = typeof e.message === 'string' ? e.message : 'request failed';
  return {
    status,
    retCode: response ? retCodeOf(response.data) : null,
    netCode,
    text: scrub(netCode ? `${netCode}: ${message}` : message, secrets),
    resetAt: response ? resetFromHeaders(response.headers, now) : null,
  };
}
