// Closed candles from the exchange stream become tick jobs: one subscription per series, one job per
// enabled instance on it, carrying the bar itself so workers need not fetch it again.
import type { Db } from '../db/client.js';
import { listStrategyInstances } from '../db/repos/strategies.js';
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
  const onClose = async (key: string, k: KlineUpdate): Promise<void> => {
    // Read on every close: an instance paused or disabled since start-up gets no tick.
    const all = await listStrategyInstances(o.db);
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
      all
        .filter((i) => i.enabled && seriesOf(i) === key)
        .map((i) =>
          o.enqueue('tick', { instanceId: i.id, candleTime: k.start, candle }, jobId('tick', i.id, k.start)),
        ),
    );
  };
  const seen = new Set<string>();
  for (const inst of (await listStrategyInstances(o.db)).filter((i) => i.enabled)) {
    const key = seriesOf(inst);
    if (seen.has(key)) continue;
    seen.add(key);
    unsubs.push(
      await o.ex.subscribeKlines(
        {
          category: inst.category as Category,
          symbol: inst.symbol,
          interval: inst.interval as KlineInterval,
        },
        (k) => {
          if (!k.confirmed) return;
          // The scheduler's fallback tick picks the bar up if this enqueue fails (Redis away).
          onClose(key, k).catch((e: unknown) =>
            o.log.error(
              { err: e instanceof Error ? e.message : String(e), series: key },
              'tick not enqueued',
            ),
          );
        },
      ),
    );
  }
  return unsubs;
}
