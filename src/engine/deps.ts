// Everything the engine needs, injected: database, exchange port, clock, configuration, queues (as
// functions), notifications and a logger. Live and tests differ only in what is passed here.
import type { Db } from '../db/client.js';
import type { Clock } from '../domain/clock.js';
import type { ExchangePort } from '../exchange/port.js';
import type { BosunConfig } from '../platform/config.js';
import type { Logger } from '../platform/logger.js';
import type { Notifier } from './notify.js';

export interface EngineDeps {
  db: Db;
  exchange: ExchangePort;
  clock: Clock;
  config: BosunConfig;
  notifier: Notifier;
  log: Logger;
  /** Injected randomness (intent refs); tests pass a seeded source. */
  randomBytes(n: number): Uint8Array;
  /** Enqueue the submit-order job for an approved intent (idempotent on the intent). */
  enqueueSubmit(intentId: number, opts?: { requeue?: boolean }): Promise<void>;
}
