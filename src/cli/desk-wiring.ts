// The live desk in the composition root: its kernel configuration from bosun.yaml and the venue, the
// venue streams turned into decision jobs, and operator requests sent through the decision queue.
import { randomBytes } from 'node:crypto';
import { QueueEvents, type ConnectionOptions, type Queue } from 'bullmq';
import type { Db } from '../db/client.js';
import { riskOverrides } from '../db/repos/account.js';
import type { Clock } from '../domain/clock.js';
import { makeIntentId } from '../domain/ids.js';
import type { Instrument } from '../domain/instrument.js';
import { deskConfig } from '../engine/desk/config.js';
import { Desk } from '../engine/desk/desk.js';
import { eventKey, type DeskEvent, type OperatorWire } from '../engine/desk/events.js';
import { fromExecution, fromKline, fromOrderReport } from '../engine/desk/feed.js';
import type { DeskResult } from '../engine/desk/result.js';
import type { DeskSubmit } from '../engine/desk/services.js';
import type { Notifier } from '../engine/notify.js';
import type { ExchangePort, KlineInterval, Unsubscribe } from '../exchange/port.js';
import { Kernel } from '../kernel/kernel.js';
import type { KernelConfig } from '../kernel/types.js';
import type { BosunConfig } from '../platform/config.js';
import type { Logger } from '../platform/logger.js';
import { enqueue, jobId } from '../queue/enqueue.js';

export interface DeskWiring {
  readonly desk: Desk;
  readonly kernelConfig: () => Promise<KernelConfig>;
}

export function buildDesk(o: {
  config: BosunConfig;
  configSource?: string;
  db: Db;
  exchange: ExchangePort;
  clock: Clock;
  notifier: Notifier;
  log: Logger;
}): DeskWiring {
  const kernelConfig = async (): Promise<KernelConfig> => {
    const instruments: Instrument[] = [];
    const seen = new Set<string>();
    for (const s of o.config.strategies) {
      const key = `${s.category}:${s.symbol}`;
      if (seen.has(key)) continue;
      seen.add(key);
      instruments.push(await o.exchange.instrument(s.category, s.symbol));
    }
    const { kernel, problems } = await deskConfig({
      config: o.config,
      ...(o.configSource ? { configSource: o.configSource } : {}),
      instruments,
      riskOverrides: await riskOverrides(o.db),
    });
    for (const p of problems) {
      o.log.error({ instance: p.id, err: p.message }, 'strategy instance not started');
      await o.notifier.notify({
        kind: 'job-failure',
        job: `strategy ${p.id}`,
        message: `${p.message} — the other instances run`,
      });
    }
    return kernel;
  };
  const desk = new Desk({
    db: o.db,
    exchange: o.exchange,
    clock: o.clock,
    notifier: o.notifier,
    log: o.log,
    kernelConfig,
    newRef: () => `bsn-${makeIntentId(o.clock.now(), randomBytes(8))}`,
  });
  return { desk, kernelConfig };
}

/** One decision job per event; its id is the event's key, so a frame delivered twice is queued once. */
export async function enqueueDeskEvent(q: Queue, ev: DeskEvent): Promise<void> {
  await enqueue(q, 'decide', ev, {
    jobId: jobId(eventKey(ev)),
    attempts: 12,
    backoff: { type: 'exponential', delay: 250 },
  });
}

/** Executions, final order reports and confirmed bars of every series the instances read, as decisions. */
export async function subscribeDeskFeeds(o: {
  ex: ExchangePort;
  queue: Queue;
  kernelConfig: KernelConfig;
  log: Logger;
}): Promise<Unsubscribe[]> {
  const send = (ev: DeskEvent | null) => {
    if (ev)
      void enqueueDeskEvent(o.queue, ev).catch((e) => o.log.error({ err: String(e) }, 'decision not queued'));
  };
  const unsubs: Unsubscribe[] = [];
  unsubs.push(await o.ex.subscribeExecutions((f) => send(fromExecution(f))));
  unsubs.push(await o.ex.subscribeOrders((r) => send(fromOrderReport(r))));
  for (const s of new Kernel(o.kernelConfig, () => '').seriesRead()) {
    unsubs.push(
      await o.ex.subscribeKlines(
        { category: s.category, symbol: s.symbol, interval: s.interval as KlineInterval },
        (k) => send(fromKline(k)),
      ),
    );
  }
  return unsubs;
}

/** Operator requests through the decision queue, answered with what the desk decided. */
export function deskSubmitter(o: {
  queue: Queue;
  connection: () => ConnectionOptions;
  prefix: string;
  timeoutMs?: number;
}): { submit: DeskSubmit; close(): Promise<void> } {
  let events: QueueEvents | null = null;
  const listen = async (): Promise<QueueEvents> => {
    if (!events) {
      events = new QueueEvents(o.queue.name, { connection: o.connection(), prefix: o.prefix });
      await events.waitUntilReady();
    }
    return events;
  };
  return {
    async submit(id: string, command: OperatorWire): Promise<DeskResult> {
      const ev = await listen();
      const job = await o.queue.add(
        'decide',
        { kind: 'operator', id, command },
        {
          jobId: jobId('op', id),
          attempts: 5,
          backoff: { type: 'exponential', delay: 250 },
          removeOnComplete: { age: 3600 },
        },
      );
      return (await job.waitUntilFinished(ev, o.timeoutMs ?? 30_000)) as DeskResult;
    },
    async close() {
      await events?.close();
    },
  };
}
