// submit-order: send an approved intent's order to the exchange. Idempotent on the intent: its status
// and the unique orderLinkId row are written in the same transaction before anything is sent.
import type { EngineDeps } from '../src/engine/deps.js';
import { submitIntent, type SubmitResult } from '../src/engine/order-service.js';
import { submitOrderPayload, type PayloadOf } from '../src/queue/payloads.js';

export const name = 'submit-order';
export const payload = submitOrderPayload;
export const idempotencyKey = (p: PayloadOf<'submit-order'>): string => `submit-order:${p.intentId}`;

export function process(deps: EngineDeps, p: PayloadOf<'submit-order'>): Promise<SubmitResult> {
  return submitIntent(deps, p.intentId);
}
