// THE intent transition table, as orders have one: (status, event) → next status; anything not listed
// is an invalid transition. An intent is what a book asked for; its orders are how the venue did it.

export const INTENT_STATUSES = [
  'pending-risk',
  'denied',
  'awaiting-approval',
  'approved',
  'rejected',
  'expired',
  'withdrawn',
  'submitted',
  'done',
  'cancelled',
  'failed',
] as const;
export type IntentStatus = (typeof INTENT_STATUSES)[number];

export const INTENT_EVENTS = [
  'RiskApproved',
  'RiskDenied',
  'ApprovalAsked',
  'VotesReached',
  'VoteRejected',
  'ApprovalExpired',
  'Withdrawn',
  'OrderSent',
  'OrderFilled',
  'OrderEnded',
  'TimedOut',
  'Cancelled',
  'Failed',
] as const;
export type IntentEvent = (typeof INTENT_EVENTS)[number];

type Row = Readonly<Partial<Record<IntentEvent, IntentStatus>>>;

export const INTENT_TRANSITIONS: Readonly<Record<IntentStatus, Row>> = {
  'pending-risk': {
    RiskApproved: 'approved',
    RiskDenied: 'denied',
    // Risk passed but policy wants a human (or a quorum) before it goes out.
    ApprovalAsked: 'awaiting-approval',
    // The kill switch or the strategy turned before risk ran.
    Withdrawn: 'withdrawn',
  },
  'awaiting-approval': {
    VotesReached: 'approved',
    VoteRejected: 'rejected',
    ApprovalExpired: 'expired',
    // The strategy turned, or /kill: approving it later would trade against the decision.
    Withdrawn: 'withdrawn',
  },
  approved: {
    OrderSent: 'submitted',
    // Re-judged before a resend and denied, or the venue refused it outright.
    RiskDenied: 'denied',
    Failed: 'failed',
    Withdrawn: 'withdrawn',
  },
  submitted: {
    OrderFilled: 'done',
    // Cancelled or expired at the venue with whatever filled kept (IOC remainder, post-only that would take).
    OrderEnded: 'done',
    // A resting limit order whose time ran out: cancelled, and the intent says so.
    TimedOut: 'cancelled',
    // Cancelled on purpose before anything filled (/cancel, the strategy, its book closing).
    Cancelled: 'cancelled',
    Failed: 'failed',
    // A requote sends a new order for the same intent.
    OrderSent: 'submitted',
  },
  denied: {},
  rejected: {},
  expired: {},
  withdrawn: {},
  done: {},
  cancelled: {},
  failed: {},
};

export class InvalidIntentTransition extends Error {
  override readonly name = 'InvalidIntentTransition';
  constructor(
    readonly status: IntentStatus,
    readonly event: IntentEvent,
  ) {
    super(`intent cannot go from ${status} on ${event}`);
  }
}

export function nextIntentStatus(status: IntentStatus, event: IntentEvent): IntentStatus {
  const to = INTENT_TRANSITIONS[status][event];
  if (to === undefined) throw new InvalidIntentTransition(status, event);
  return to;
}

export function isFinalIntentStatus(s: IntentStatus): boolean {
  return Object.keys(INTENT_TRANSITIONS[s]).length === 0;
}
