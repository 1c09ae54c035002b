// The intent transition table, cell by cell, written out as the table a reviewer reads; and the kernel's
// commands for a linear entry in the order the venue must see them.
import { describe, expect, it } from 'vitest';
import { dec } from '../../src/domain/decimal.js';
import {
  INTENT_EVENTS,
  INTENT_STATUSES,
  InvalidIntentTransition,
  isFinalIntentStatus,
  nextIntentStatus,
} from '../../src/kernel/intent-transitions.js';
import { Kernel } from '../../src/kernel/kernel.js';
import { autoApprovals, instanceOf, instrument, limits, MIN, scripted, T0 } from '../helpers/kernel.js';

const EXPECTED = `
status            RiskApproved RiskDenied ApprovalAsked     VotesReached VoteRejected ApprovalExpired Withdrawn OrderSent OrderFilled OrderEnded TimedOut  Cancelled Failed
pending-risk      approved     denied     awaiting-approval -            -            -               withdrawn -         -           -          -         -         -
awaiting-approval -            -          -                 approved     rejected     expired         withdrawn -         -           -          -         -         -
approved          -            denied     -                 -            -            -               withdrawn submitted -           -          -         -         failed
submitted         -            -          -                 -            -            -               -         submitted done        done       cancelled cancelled failed
denied            -            -          -                 -            -            -               -         -         -           -          -         -         -
rejected          -            -          -                 -            -            -               -         -         -           -          -         -         -
expired           -            -          -                 -            -            -               -         -         -           -          -         -         -
withdrawn         -            -          -                 -            -            -               -         -         -           -          -         -         -
done              -            -          -                 -            -            -               -         -         -           -          -         -         -
cancelled         -            -          -                 -            -            -               -         -         -           -          -         -         -
failed            -            -          -                 -            -            -               -         -         -           -          -         -         -
`;

function parse(): Map<string, string> {
  const [header, ...rows] = EXPECTED.trim()
    .split('\n')
    .map((l) => l.trim().split(/\s+/));
  const events = (header ?? []).slice(1);
  const table = new Map<string, string>();
  for (const [status, ...cells] of rows) cells.forEach((c, i) => table.set(`${status}|${events[i]}`, c));
  return table;
}

describe('intent transition table', () => {
  const expected = parse();

  it('covers exactly the statuses and events the kernel defines', () => {
    expect(new Set([...expected.keys()].map((k) => k.split('|')[0]))).toEqual(new Set(INTENT_STATUSES));
    expect(new Set([...expected.keys()].map((k) => k.split('|')[1]))).toEqual(new Set(INTENT_EVENTS));
  });

  for (const status of INTENT_STATUSES) {
    for (const event of INTENT_EVENTS) {
      const want = expected.get(`${status}|${event}`);
      it(`${status} + ${event} → ${want}`, () => {
        if (want === '-') expect(() => nextIntentStatus(status, event)).toThrow(InvalidIntentTransition);
        else expect(nextIntentStatus(status, event)).toBe(want);
      });
    }
  }

  it('calls final exactly the statuses nothing leaves', () => {
    const final = INTENT_STATUSES.filter(isFinalIntentStatus);
    expect(final).toEqual(['denied', 'rejected', 'expired', 'withdrawn', 'done', 'cancelled', 'failed']);
  });
});

describe('kernel commands', () => {
  function kernel(over: Parameters<typeof instanceOf>[2] = {}) {
    let n = 0;
    return new Kernel(
      {
        instances: [instanceOf('a', scripted('go', { 0: (c) => c.enterLong({ stop: { pct: 2 } }) }), over)],
        instruments: [instrument('BTCUSDT')],
        limits: limits(),
        approvals: autoApprovals(),
        approvalTtlMs: 120_000,
        quoteCoin: 'USDT',
        startingCash: dec('10000'),
      },
      () => `i${++n}`,
    );
  }
  const bar = { openTime: T0, open: 100, high: 100, low: 100, close: 100, volume: 1 };
  const series = { category: 'linear', symbol: 'BTCUSDT', interval: '1' } as const;

  it('sets the instance leverage before its first linear entry, then places the entry', () => {
    const cmds = kernel({ leverage: dec('3') }).onBar({ series, bar, closedAt: T0 + MIN });
    expect(cmds.filter((c) => c.kind !== 'notice').map((c) => c.kind)).toEqual(['set-leverage', 'place']);
    expect(cmds[0]).toMatchObject({ kind: 'set-leverage', symbol: 'BTCUSDT', leverage: dec('3') });
  });

  it('puts the stop at the venue once the entry fills, sized to the book, off the fill price', () => {
    const k = kernel();
    const place = k.onBar({ series, bar, closedAt: T0 + MIN }).find((c) => c.kind === 'place');
    if (place?.kind !== 'place') throw new Error('no entry placed');
    const fill = {
      tradeId: 'x1',
      orderLinkId: place.order.ref,
      symbol: 'BTCUSDT',
      side: 'Buy' as const,
      qty: place.order.qty,
      price: dec('101'),
      fee: dec('0'),
      feeCurrency: 'USDT',
      ts: T0 + MIN + 5,
    };
    const after = k.onReport({ kind: 'fill', ref: place.order.ref, fill }, T0 + MIN + 10);
    const stop = after.find((c) => c.kind === 'place');
    expect(stop).toMatchObject({
      kind: 'place',
      order: {
        purpose: 'stop',
        side: 'Sell',
        qty: dec('10'),
        reduceOnly: true,
        trigger: { direction: 'fall' },
      },
    });
    // 2 % under the 101 fill is 98.98, rounded up to the 0.1 tick: never a bigger loss than asked.
    if (stop?.kind === 'place') expect(stop.order.trigger?.price.toFixed()).toBe('99');
    // The same fill delivered again (stream and REST) changes nothing.
    expect(k.onReport({ kind: 'fill', ref: place.order.ref, fill }, T0 + MIN + 20)).toEqual([]);
  });
});

describe('kernel restore', () => {
  it('a process that takes over from the journal and the fills stands exactly where the first one stood', () => {
    let n = 0;
    const cfg = {
      instances: [
        instanceOf(
          'a',
          scripted('go', {
            0: (c) => c.enterLong({ stop: { pct: 2 }, takeProfit: { pct: 4 }, trailing: { pct: 1 } }),
          }),
        ),
      ],
      instruments: [instrument('BTCUSDT')],
      limits: limits(),
      approvals: autoApprovals(),
      approvalTtlMs: 120_000,
      quoteCoin: 'USDT',
      startingCash: dec('10000'),
      journal: true,
    };
    const series = { category: 'linear', symbol: 'BTCUSDT', interval: '1' } as const;
    const bar = (i: number, p: number) => ({
      openTime: T0 + i * MIN,
      open: p,
      high: p,
      low: p,
      close: p,
      volume: 1,
    });
    const a = new Kernel(cfg, () => `i${++n}`);
    const place = a.onBar({ series, bar: bar(0, 100), closedAt: T0 + MIN }).find((c) => c.kind === 'place');
    if (place?.kind !== 'place') throw new Error('no entry placed');
    const fill = {
      tradeId: 'x1',
      orderLinkId: place.order.ref,
      symbol: 'BTCUSDT',
      side: 'Buy' as const,
      qty: place.order.qty,
      price: dec('100'),
      fee: dec('0.55'),
      feeCurrency: 'USDT',
      ts: T0 + MIN + 5,
    };
    a.onReport({ kind: 'fill', ref: place.order.ref, fill }, T0 + MIN + 10);
    a.onBar({ series, bar: bar(1, 103), closedAt: T0 + 2 * MIN });
    const changes = a.takeChanges();
    expect(changes.intents.map((i) => i.status)).toEqual(['done']);

    const b = new Kernel({ ...cfg, instances: cfg.instances }, () => `j${++n}`);
    b.restore({
      fills: [{ book: 'a', category: 'linear', fill }],
      intents: changes.intents.filter((i) => i.status !== 'done'),
      orders: changes.orders.filter((o) => o.open),
      protections: changes.protections,
      tradingState: 'ACTIVE',
      now: T0 + 2 * MIN,
    });
    const pos = (k: Kernel) => k.account.ledger.position('a', 'linear', 'BTCUSDT');
    expect(pos(b)).toEqual(pos(a));
    expect(b.openOrders()).toEqual(a.openOrders());
    // Both trail the same way on the next close: 1 % under 105 is 103.95 → 104 on the tick, tighter than 98.
    const next = bar(2, 105);
    const amendA = a.onBar({ series, bar: next, closedAt: T0 + 3 * MIN }).filter((c) => c.kind === 'amend');
    const amendB = b.onBar({ series, bar: next, closedAt: T0 + 3 * MIN }).filter((c) => c.kind === 'amend');
    expect(amendB).toEqual(amendA);
    expect(amendA).toMatchObject([{ kind: 'amend', triggerPrice: dec('104') }]);
  });
});
