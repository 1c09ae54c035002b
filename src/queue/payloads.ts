// Job payload schemas: ids only, never secrets (BullMQ stores job data in clear text in Redis).
import { z } from 'zod';

export const tickPayload = z.strictObject({
  instanceId: z.string().min(1),
  /** Open time (ms) of the closed candle that triggered the tick; absent for scheduler fallbacks. */
  candleTime: z.number().int().nonnegative().optional(),
});

export const submitOrderPayload = z.strictObject({ intentId: z.number().int().positive() });
export const cancelOrderPayload = z.strictObject({ orderId: z.number().int().positive() });
export const reconcilePayload = z.strictObject({
  reason: z.enum(['start', 'reconnect', 'schedule', 'manual']),
});
export const alertPayload = z.strictObject({ alertId: z.number().int().positive() });
export const backtestPayload = z.strictObject({ runId: z.number().int().positive() });

export const expireApprovalsPayload = z.strictObject({});
export const snapshotEquityPayload = z.strictObject({});

export const PAYLOADS = {
  tick: tickPayload,
  'submit-order': submitOrderPayload,
  'cancel-order': cancelOrderPayload,
  reconcile: reconcilePayload,
  'send-alert': alertPayload,
  'run-backtest': backtestPayload,
  'expire-approvals': expireApprovalsPayload,
  'snapshot-equity': snapshotEquityPayload,
  'send-digest': z.strictObject({}),
  heartbeat: z.strictObject({}),
} as const;

export type JobName = keyof typeof PAYLOADS;
export type PayloadOf<N extends JobName> = z.infer<(typeof PAYLOADS)[N]>;
