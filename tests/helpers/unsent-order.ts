// What a process leaves that committed a strategy's market buy on BTCUSDT (intent, its approved decision
// at 50 000 and the order row, in the one statement a tick writes) and then died before its request left.
import type { Db } from '../../src/db/client.js';
import { submittedOrder } from '../../src/db/repos/orders.js';
import { writeProposal, type WrittenProposal } from '../../src/db/repos/proposals.js';
import { dec } from '../../src/domain/decimal.js';
import { makeIntentId, orderLinkIdFor } from '../../src/domain/ids.js';

/** `seed` makes the intent's ref distinct between calls of one test file. */
export async function writeUnsentOrder(
  db: Db,
  opts: { seed: number; qty: string },
): Promise<{ written: WrittenProposal | null; link: string }> {
  const now = Date.now();
  const qty = dec(opts.qty);
  const ref = makeIntentId(now, new Uint8Array(8).fill(opts.seed));
  const link = orderLinkIdFor(ref, 1);
  const order = submittedOrder(
    {
      type: 'OrderCreated',
      ts: now,
      orderLinkId: link,
      intentId: ref,
      symbol: 'BTCUSDT',
      category: 'linear',
      side: 'Buy',
      orderType: 'Market',
      qty,
      price: null,
      timeInForce: 'IOC',
      reduceOnly: false,
    },
    now,
  );
  const written = await writeProposal(
    db,
    {
      ref,
      source: 'strategy',
      category: 'linear',
      symbol: 'BTCUSDT',
      side: 'Buy',
      orderType: 'Market',
      qty,
      reduceOnly: false,
      status: 'approved',
    },
    { outcome: 'approved', qty, price: dec('50000'), notional: qty.mul(50000), reasons: [] },
    undefined,
    { order, allowedStates: ['ACTIVE'] },
  );
  return { written, link };
}
