// WebSocket side: topic bookkeeping over bybit-api's WebsocketClient, subscribe acks, gap detection after a
// private reconnect (→ REST resync), and the client rebuild after a private auth failure, which 4.7.x never
// recovers from by itself (it awaits a stale auth promise forever).
import type { Category } from '../../domain/instrument.js';
import type { Logger } from '../../platform/logger.js';
import type { StreamName, StreamStatus, Unsubscribe } from '../port.js';
import { TransientError } from './errors.js';
import type { RoutedWebsocketClient } from './sdk.js';

/** A data frame as the SDK emits it: venue JSON plus the connection key. */
export interface Frame {
  topic: string;
  type?: string;
  ts?: number;
  data: unknown;
}

/** category null = private topic. */
export interface TopicSpec {
  readonly topic: string;
  readonly category: Category | null;
}

export interface StreamOptions {
  build: () => RoutedWebsocketClient;
  log: Logger;
  subscribeTimeoutMs: number;
  rebuildBaseMs: number;
  rebuildMaxMs: number;
  /** Private events may have been missed: the owner resyncs over REST. */
  onGap: (reason: 'reconnected' | 'rebuilt') => void;
  onStatus: (s: StreamStatus) => void;
  /** Runs before a rebuild: a skewed clock is a common reason for a refused auth (expires in the past). */
  beforeRebuild: () => Promise<void>;
}

const KEY_CATEGORY: Readonly<Record<string, Category | null>> = {
  v5LinearPublic: 'linear',
  v5SpotPublic: 'spot',
  v5Private: null,
};

function keyOf(spec: TopicSpec): string {
  return `${spec.category ?? 'private'}:${spec.topic}`;
}

function streamName(category: Category | null): StreamName {
  return category === null ? 'private' : category === 'linear' ? 'public-linear' : 'public-spot';
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null;
}

export class BybitStream {
  private ws: RoutedWebsocketClient;
  private readonly specs = new Map<string, TopicSpec>();
  private readonly handlers = new Map<string, Set<(f: Frame) => void>>();
  private readonly acked = new Set<string>();
  private readonly waiters = new Map<string, Set<() => void>>();
  private pendingGap: 'reconnected' | 'rebuilt' | null = null;
  private rebuildAttempt = 0;
  private rebuildTimer: NodeJS.Timeout | undefined;
  private timeOffsetMs = 0;
  private closed = false;

  constructor(private readonly o: StreamOptions) {
    this.ws = this.attach(o.build());
  }

  setTimeOffset(ms: number): void {
    this.timeOffsetMs = ms;
    this.ws.setTimeOffsetMs(ms);
  }

  /** Resolves once the venue acknowledged the topic; the handler gets every frame until unsubscribed. */
  async subscribe(spec: TopicSpec, handler: (f: Frame) => void): Promise<Unsubscribe> {
    if (this.closed)
      throw new TransientError({ code: null, endpoint: 'ws subscribe', detail: 'stream closed' });
    const key = keyOf(spec);
    let set = this.handlers.get(key);
    if (!set) {
      set = new Set();
      this.handlers.set(key, set);
      this.specs.set(key, spec);
      this.send([spec]);
    }
    set.add(handler);
    const unsubscribe = (): void => this.remove(key, handler);
    try {
      await this.ack(key);
    } catch (e) {
      unsubscribe();
      throw e;
    }
    return unsubscribe;
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.rebuildTimer);
    this.teardown(this.ws);
    for (const set of this.waiters.values()) for (const w of set) w();
    this.waiters.clear();
  }

  private remove(key: string, handler: (f: Frame) => void): void {
    const set = this.handlers.get(key);
    if (!set || !set.delete(handler) || set.size > 0) return;
    const spec = this.specs.get(key);
    this.handlers.delete(key);
    this.specs.delete(key);
    this.acked.delete(key);
    if (spec && !this.closed) {
      const promises = this.ws.unsubscribeV5(spec.topic, spec.category ?? 'linear', spec.category === null);
      for (const p of promises) p.catch(() => {});
    }
  }

  private ack(key: string): Promise<void> {
    if (this.acked.has(key)) return Promise.resolve();
    return new Promise((resolve, reject) => {
      let set = this.waiters.get(key);
      if (!set) {
        set = new Set();
        this.waiters.set(key, set);
      }
      const done = (): void => {
        clearTimeout(timer);
        set.delete(done);
        if (this.closed && !this.acked.has(key)) {
          reject(new TransientError({ code: null, endpoint: 'ws subscribe', detail: 'stream closed' }));
        } else resolve();
      };
      const timer = setTimeout(() => {
        set.delete(done);
        reject(
          new TransientError({
            code: null,
            endpoint: 'ws subscribe',
            detail: `no acknowledgement for ${key} within ${this.o.subscribeTimeoutMs} ms`,
          }),
        );
      }, this.o.subscribeTimeoutMs);
      set.add(done);
    });
  }

  private send(specs: readonly TopicSpec[]): void {
    const groups = new Map<string, { category: Category | null; topics: string[] }>();
    for (const s of specs) {
      const g = groups.get(String(s.category)) ?? { category: s.category, topics: [] };
      g.topics.push(s.topic);
      groups.set(String(s.category), g);
    }
    for (const g of groups.values()) {
      // The SDK's promises reject on disconnects it then recovers from; acks are tracked from 'response'.
      const promises = this.ws.subscribeV5(g.topics, g.category ?? 'linear', g.category === null);
      for (const p of promises) p.catch(() => {});
    }
  }

  private attach(ws: RoutedWebsocketClient): RoutedWebsocketClient {
    ws.on('update', (e: unknown) => this.onUpdate(e));
    ws.on('response', (e: unknown) => this.onResponse(e));
    ws.on('exception', (e: unknown) => this.onException(e));
    ws.on('authenticated', () => {
      this.rebuildAttempt = 0;
    });
    ws.on('open', ({ wsKey }) => this.status('connected', wsKey));
    ws.on('reconnect', ({ wsKey }) => this.onReconnect(wsKey));
    ws.on('reconnected', ({ wsKey }) => {
      this.status('reconnected', wsKey);
      if (wsKey === 'v5Private') this.pendingGap ??= 'reconnected';
    });
    return ws;
  }

  private teardown(ws: RoutedWebsocketClient): void {
    ws.removeAllListeners();
    // Late SDK events (a rejected socket, a stray close) must not become unhandled 'error's.
    ws.on('exception', () => {});
    ws.closeAll(true);
  }

  private status(type: 'connected' | 'reconnecting' | 'reconnected', wsKey: string): void {
    const category = KEY_CATEGORY[wsKey];
    if (category !== undefined) this.o.onStatus({ type, stream: streamName(category) });
  }

  private onReconnect(wsKey: string): void {
    this.status('reconnecting', wsKey);
    const category = KEY_CATEGORY[wsKey];
    if (category === undefined) return;
    for (const [key, spec] of this.specs) if (spec.category === category) this.acked.delete(key);
  }

  private onUpdate(e: unknown): void {
    if (!isRecord(e) || typeof e.topic !== 'string' || typeof e.wsKey !== 'string') return;
    const category = KEY_CATEGORY[e.wsKey];
    if (category === undefined) return;
    const key = keyOf({ topic: e.topic, category });
    const frame: Frame = {
      topic: e.topic,
      data: e.data,
      ...(typeof e.type === 'string' ? { type: e.type } : {}),
      ...(typeof e.ts === 'number'
        ? { ts: e.ts }
        : typeof e.creationTime === 'number'
          ? { ts: e.creationTime }
          : {}),
    };
    for (const h of this.handlers.get(key) ?? []) {
      try {
        h(frame);
      } catch (err) {
        this.o.log.warn(
          { topic: e.topic, err: err instanceof Error ? err.message : 'handler failed' },
          'ws frame dropped',
        );
      }
    }
  }

  private onResponse(e: unknown): void {
    if (!isRecord(e) || e.op !== 'subscribe' || e.success === false || typeof e.wsKey !== 'string') return;
    const category = KEY_CATEGORY[e.wsKey];
    if (category === undefined) return;
    const topics =
      typeof e.req_id === 'string' && e.req_id !== ''
        ? e.req_id.split(',')
        : Array.isArray(e.args)
          ? e.args.filter((a): a is string => typeof a === 'string')
          : [];
    for (const topic of topics) {
      const key = keyOf({ topic, category });
      this.acked.add(key);
      for (const w of [...(this.waiters.get(key) ?? [])]) w();
    }
    if (category === null && this.pendingGap) {
      // Resubscribed after a gap: a REST snapshot now, so nothing between the drop and here is lost.
      const reason = this.pendingGap;
      this.pendingGap = null;
      this.o.onGap(reason);
    }
  }

  private onException(e: unknown): void {
    if (!isRecord(e)) return;
    if (e.op === 'auth' || (e.wsKey === 'v5Private' && String(e.message ?? '').includes('401'))) {
      this.scheduleRebuild();
      return;
    }
    this.o.log.debug({ wsKey: e.wsKey, op: e.op }, 'ws exception');
  }

  private scheduleRebuild(): void {
    if (this.rebuildTimer || this.closed) return;
    this.rebuildAttempt += 1;
    this.o.onStatus({ type: 'auth-failed', stream: 'private', attempt: this.rebuildAttempt });
    const delay = Math.min(this.o.rebuildMaxMs, this.o.rebuildBaseMs * 2 ** (this.rebuildAttempt - 1));
    this.rebuildTimer = setTimeout(() => {
      void this.o
        .beforeRebuild()
        .catch(() => undefined)
        .then(() => {
          this.rebuildTimer = undefined;
          if (!this.closed) this.rebuild();
        });
    }, delay);
  }

  private rebuild(): void {
    this.teardown(this.ws);
    this.ws = this.attach(this.o.build());
    this.ws.setTimeOffsetMs(this.timeOffsetMs);
    this.acked.clear();
    this.pendingGap = 'rebuilt';
    this.o.log.warn({ attempt: this.rebuildAttempt }, 'bybit private stream auth failed; client rebuilt');
    this.o.onStatus({ type: 'rebuilt', stream: 'private', attempt: this.rebuildAttempt });
    this.send([...this.specs.values()]);
  }
}
