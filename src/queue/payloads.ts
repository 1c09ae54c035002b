// Job payload schemas: ids only, never secrets (BullMQ stores job data in clear text in Redis).
import { z } from 'zod';
import { deskEventSchema } from './desk-payload.js';

const decimalString = z.string().regex(/^-?\d+(\.\d+)?$/, 'a decimal number as a string');

/** A closed bar as the stream delivered it (prices as decimal strings, never floats). */
export const candlePayload = z.strictObject({
  start: z.number().int().nonnegative(),
  open: decimalString,
  high: decimalString,
  low: decimalString,
  close: decimalString,
  volume: decimalString,
  turnover: decimalString,
});

export const tickPayload = z.strictObject({
  instanceId: z.string().min(1),
  /** Open time (ms) of the closed candle that triggered the tick; absent for scheduler fallbacks. */
  candleTime: z.number().int().nonnegative().optional(),
  /** That candle, so the worker extends the series it holds instead of fetching it again. */
  candle: candlePayload.optional(),
  /** The series it closed on: the worker reads that market and the account while it takes the instance. */
  series: z.strictObject({ category: z.enum(['linear', 'spot']), symbol: z.string().min(1) }).optional(),
});

export const submitOrderPayload = z.strictObject({ intentId: z.number().int().positive() });
export const cancelOrderPayload = z.strictObject({ orderId: z.number().int().positive() });
export const reconcilePayload = z.strictObject({
  reason: z.enum(['start', 'reconnect', 'schedule', 'manual']),
});
export const alertPayload = z.strictObject({ alertId: z.number().int().positive() });
export const backtestPayload = z.strictObject({ runId: z.number().int().positive() });

/** One run of a `bosun backtest --sweep` grid: a file path or `prefix:spec` source, never credentials. */
export const backtestSweepPayload = z.strictObject({
  sweepId: z.string().regex(/^[A-Za-z0-9_-]+$/),
  n: z.number().int().nonnegative(),
  data: z.string().min(1),
  from: z.number().int().optional(),
  to: z.number().int().optional(),
  strategy: z.string().min(1),
  params: z.record(z.string(), z.number()),
  options: z.strictObject({
    cash: z.string().optional(),
    commission: z.string().optional(),
    commissionFixed: z.string().optional(),
    spread: z.string().optional(),
    slippageBps: z.string().optional(),
    qtyStep: z.string().optional(),
    minNotional: z.string().optional(),
    compat: z.enum(['backtesting.py']).nullable(),
    fill: z.enum(['open', 'close']),
  }),
});

export const expireApprovalsPayload = z.strictObject({});
export const snapshotEquityPayload = z.strictObject({});

export const deskSweepPayload = z.strictObject({
  reason: z.enum(['start', 'reconnect', 'schedule', 'manual']),
});

export const PAYLOADS = {
  decide: deskEventSchema,
  'desk-sweep': deskSweepPayload,
  tick: tickPayload,
  'submit-order': submitOrderPayload,
  'cancel-order': cancelOrderPayload,
  reconcile: reconcilePayload,
  'send-alert': alertPayload,
  'run-backtest': backtestPayload,
  'backtest-sweep': backtestSweepPayload,
  'expire-approvals': expireApprovalsPayload,
  'snapshot-equity': snapshotEquityPayload,
  'send-digest': z.strictObject({}),
  heartbeat: z.strictObject({}),
} as const;

export type JobName = keyof typeof PAYLOADS;
export type PayloadOf<N extends JobName> = z.infer<(typeof PAYLOADS)[N]>;
