// Exchange errors classified by consequence (house rule 5): what the caller must do, not what went wrong.
// Every message is built by us from safe parts; no SDK error object is ever attached or rethrown.

export const ERROR_KINDS = [
  'transient',
  'rate-limited',
  'clock',
  'outcome-unknown',
  'idempotent',
  'not-modified',
  'permanent',
] as const;
export type ErrorKind = (typeof ERROR_KINDS)[number];

/**
 * retry: back off and try again · wait: until `resetAt` · resync-clock: fix the time offset, retry once ·
 * reconcile: look the order up by orderLinkId · success: treat as done · reject: drop this request ·
 * halt: stop trading and alert the operator (credentials, permissions, IP).
 */
export type Consequence = 'retry' | 'wait' | 'resync-clock' | 'reconcile' | 'success' | 'reject' | 'halt';

export interface ExchangeErrorInit {
  /** Venue retCode, or HTTP status when the venue answered with no envelope; null for local failures. */
  code: number | null;
  /** What we were doing, e.g. "order/create". */
  endpoint: string;
  /** Already sanitized. */
  detail: string;
}

export abstract class ExchangeError extends Error {
  abstract readonly kind: ErrorKind;
  abstract readonly consequence: Consequence;
  readonly code: number | null;
  readonly endpoint: string;

  constructor(init: ExchangeErrorInit) {
    super(`bybit ${init.endpoint}: ${init.detail}${init.code === null ? '' : ` (code ${init.code})`}`);
    this.name = new.target.name;
    this.code = init.code;
    this.endpoint = init.endpoint;
  }

  /** What logs and chat may show: no raw payloads. */
  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      kind: this.kind,
      code: this.code,
      endpoint: this.endpoint,
      message: this.message,
    };
  }
}

export class TransientError extends ExchangeError {
  readonly kind = 'transient';
  readonly consequence = 'retry';
}

export class RateLimitedError extends ExchangeError {
  readonly kind = 'rate-limited';
  readonly consequence = 'wait';
  /** Epoch ms when requests may resume. */
  readonly resetAt: number;
  readonly scope: 'ip' | 'endpoint';
  constructor(init: ExchangeErrorInit & { resetAt: number; scope: 'ip' | 'endpoint' }) {
    super(init);
    this.resetAt = init.resetAt;
    this.scope = init.scope;
  }
  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), resetAt: this.resetAt, scope: this.scope };
  }
}

export class ClockSkewError extends ExchangeError {
  readonly kind = 'clock';
  readonly consequence = 'resync-clock';
}

export class OutcomeUnknownError extends ExchangeError {
  readonly kind = 'outcome-unknown';
  readonly consequence = 'reconcile';
  /** Set when the failed call was an order placement: the key to reconcile with. */
  readonly orderLinkId: string | undefined;
  constructor(init: ExchangeErrorInit & { orderLinkId?: string }) {
    super(init);
    this.orderLinkId = init.orderLinkId;
  }
  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), orderLinkId: this.orderLinkId };
  }
}

/** The orderLinkId was already used: the order exists; fetch it instead of placing again. */
export class DuplicateOrderError extends ExchangeError {
  readonly kind = 'idempotent';
  readonly consequence = 'reconcile';
}

export class NotModifiedError extends ExchangeError {
  readonly kind = 'not-modified';
  readonly consequence = 'success';
}

export class PermanentError extends ExchangeError {
  readonly kind = 'permanent';
  readonly consequence: Consequence;
  constructor(init: ExchangeErrorInit & { consequence?: 'reject' | 'halt' | 'reconcile' }) {
    super(init);
    this.consequence = init.consequence ?? 'reject';
  }
}

/** Credentials, permissions or IP whitelist: nothing will work until an operator acts. */
export class AuthError extends PermanentError {
  constructor(init: ExchangeErrorInit) {
    super({ ...init, consequence: 'halt' });
  }
}

/** The venue does not know the order (cancel/amend of a gone order): reconcile, do not retry. */
export class OrderNotFoundError extends PermanentError {
  constructor(init: ExchangeErrorInit) {
    super({ ...init, consequence: 'reconcile' });
  }
}

/** Refused before sending: the request cannot be made valid for the instrument. The message says why. */
export class InvalidOrderError extends PermanentError {
  readonly problem: string;
  constructor(init: { endpoint: string; problem: string }) {
    super({
      code: null,
      endpoint: init.endpoint,
      detail: `refused before sending: ${init.problem}`,
      consequence: 'reject',
    });
    this.problem = init.problem;
  }
  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), problem: this.problem };
  }
}

export function isExchangeError(e: unknown): e is ExchangeError {
  return e instanceof ExchangeError;
}
