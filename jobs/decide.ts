// decide: one event for the account's desk (a closed bar, a venue report, an operator command), decided
// once (its key in Postgres) and one at a time across every worker; desk-sweep: look the open orders up.
import type { Desk } from '../src/engine/desk/desk.js';
import type { DeskResult } from '../src/engine/desk/result.js';
import type { PayloadOf } from '../src/queue/payloads.js';

export function process(desk: Desk, p: PayloadOf<'decide'>): Promise<DeskResult> {
  return desk.handle(p);
}

export function sweep(desk: Desk): Promise<DeskResult> {
  return desk.sweep();
}
