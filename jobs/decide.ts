// decide: one event for the account's desk (a closed bar, a venue report, an operator command), decided
// once (its key in Postgres) and one at a time across every worker. desk-sweep: look the open orders up.
// expire-approvals (desk): approvals past their time are decided expired and the kernel told.
import type { Queue } from 'bullmq';
import type { EngineDeps } from '../src/engine/deps.js';
import type { Desk } from '../src/engine/desk/desk.js';
import { expireDueApprovals } from '../src/engine/desk/votes.js';
import { jobId } from '../src/queue/enqueue.js';
import type { PayloadOf } from '../src/queue/payloads.js';
import type { HandlerMap } from '../src/queue/workers.js';

export function deskHandlers(desk: Desk, deps: EngineDeps, decisions: Queue): HandlerMap {
  return {
    decide: (d) => desk.handle(d as PayloadOf<'decide'>),
    'desk-sweep': () => desk.sweep(),
    'expire-approvals': async () => {
      const due = await expireDueApprovals(deps.db, deps.clock.now());
      for (const d of due) {
        const id = `expire-${d.approvalId}`;
        await decisions.add(
          'decide',
          { kind: 'operator', id, command: d.command },
          { jobId: jobId('op', id) },
        );
        await deps.notifier.notify({
          kind: 'approval-decided',
          approvalId: d.approvalId,
          intentId: d.intentId,
          outcome: 'expired',
          by: 'expiry',
        });
      }
      return { expired: due.length };
    },
  };
}
