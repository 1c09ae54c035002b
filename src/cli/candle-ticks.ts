// Closed candles from the exchange stream become tick jobs: one subscription per series, one job per
// enabled instance on it, carrying the bar itself so workers need not fetch it again.
import type { Db } from '../db/client.js';
import { listStrategyInstances, type StrategyInstanceRow } from '../db/repos/strategies.js';
import type { Category } from '../domain/instrument.js';
import type { ExchangePort, KlineInterval, KlineUpdate, Unsubscribe } from '../exchange/port.js';
import type { Logger } from '../platform/logger.js';
import { jobId } from '../queue/enqueue.js';
import type { JobName } from '../queue/payloads.js';

type Enqueue = (job: JobName, data: Record<string, unknown>, id?: string) => Promise<void>;

const seriesOf = (i: { category: string; symbol: string; interval: string }) =>
  `${i.category}:${i.symbol}:${i.interval}`;

export async function subscribeCandleTicks(o: {
  ex: ExchangePort;
  db: Db;
  enqueue: Enqueue;
  log: Logger;
}): Promise<Unsubscribe[]> {
  const unsubs: Unsubscribe[] = [];
  // The instances of each series, as configured at start-up (bosun.yaml is synced once, before this):
  // a close enqueues without a database read on the way, and the tick itself skips an instance that an
  // operator has paused since (it reads the instance anyway).
  const bySeries = new Map<string, { series: StrategyInstanceRow; ids: string[] }>();
  for (const inst of (await listStrategyInstances(o.db)).filter((i) => i.enabled)) {
    const key = seriesOf(inst);
    const known = bySeries.get(key);
    if (known) known.ids.push(inst.id);
    else bySeries.set(key, { series: inst, ids: [inst.id] });
  }
  const onClose = async (ids: readonly string[], k: KlineUpdate): Promise<void> => {
    const candle = {
      start: k.start,
      open: k.open.toFixed(),
      high: k.high.toFixed(),
      low: k.low.toFixed(),
      close: k.close.toFixed(),
      volume: k.volume.toFixed(),
      turnover: k.turnover.toFixed(),
    };
    await Promise.all(
      ids.map((id) =>
        o.enqueue(
          'tick',
          { instanceId: id, candleTime: k.start, candle, series: { category: k.category, symbol: k.symbol } },
          jobId('tick', id, k.start),
        ),
      ),
    );
  };
  for (const [key, { series, ids }] of bySeries) {
    const q = {
      category: series.category as Category,
      symbol: series.symbol,
      interval: series.interval as KlineInterval,
    };
    unsubs.push(
      await o.ex.subscribeKlines(q, (k) => {
        if (!k.confirmed) return;
        // The scheduler's fallback tick picks the bar up if this enqueue fails (Redis away).
        onClose(ids, k).catch((e: unknown) =>
          o.log.error({ err: e instanceof Error ? e.message : String(e), series: key }, 'tick not enqueued'),
        );
      }),
    );
  }
  return unsubs;
}
