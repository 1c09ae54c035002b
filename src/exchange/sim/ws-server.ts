// WebSocket front of the simulator: /v5/public/{spot,linear} and /v5/private, with Bybit's auth, subscribe
// acks (req_id echoed), and compact-JSON pongs the bybit-api SDK recognises by substring.
// https://bybit-exchange.github.io/docs/v5/ws/connect
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer } from 'ws';
import type { Decimal } from '../../domain/decimal.js';
import type { Engine, PrivateBatch } from './engine.js';
import type { SimFaults, WsScope } from './faults.js';
import type { Market } from './market.js';
import { type SecretLookup, verifyWsAuth } from './signing.js';
import { PRIVATE_TOPICS, PublicStream, parsePublicTopic, privateData } from './ws-publish.js';

export interface WsDeps {
  engine: Engine;
  market: Market;
  faults: SimFaults;
  serverNow: () => number;
  /** Stamps of public frames (see MarketRouteDeps.dataNow). */
  dataNow: () => number;
  secretOf: SecretLookup;
  fundingRate: Decimal;
  log: (line: string) => void;
}

interface Conn {
  readonly ws: WebSocket;
  readonly id: string;
  readonly kind: 'public' | 'private';
  readonly category: 'linear' | 'spot' | null;
  key: string | null;
  readonly topics: Set<string>;
}

const PATHS: Record<string, { kind: 'public' | 'private'; category: 'linear' | 'spot' | null }> = {
  '/v5/public/linear': { kind: 'public', category: 'linear' },
  '/v5/public/spot': { kind: 'public', category: 'spot' },
  '/v5/private': { kind: 'private', category: null },
};

export class SimWs {
  private readonly wss = new WebSocketServer({ noServer: true, perMessageDeflate: false });
  private readonly conns = new Set<Conn>();
  private readonly byKey = new Map<string, Set<Conn>>();
  private readonly streams = new Map<string, PublicStream>();
  private connSeq = 0;
  private frameSeq = 0;

  constructor(private readonly d: WsDeps) {}

  handleUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    const path = (req.url ?? '').split('?')[0] ?? '';
    const where = PATHS[path];
    if (!where) {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => this.accept(ws, where.kind, where.category));
  };

  private accept(ws: WebSocket, kind: Conn['kind'], category: Conn['category']): void {
    const conn: Conn = { ws, id: `sim-${++this.connSeq}`, kind, category, key: null, topics: new Set() };
    this.conns.add(conn);
    ws.on('message', (data) => this.onMessage(conn, String(data)));
    ws.on('close', () => this.forget(conn));
    ws.on('error', () => this.forget(conn));
  }

  private forget(conn: Conn): void {
    this.conns.delete(conn);
    if (conn.key) this.byKey.get(conn.key)?.delete(conn);
    for (const t of conn.topics) this.unsubscribePublic(conn, t);
  }

  private send(conn: Conn, frame: unknown): void {
    if (conn.ws.readyState === WebSocket.OPEN)
      conn.ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  }

  private onMessage(conn: Conn, text: string): void {
    let msg: { op?: unknown; args?: unknown; req_id?: unknown };
    try {
      msg = JSON.parse(text) as typeof msg;
    } catch {
      this.send(conn, { success: false, ret_msg: 'Params Error', op: '', conn_id: conn.id });
      return;
    }
    const reqId = typeof msg.req_id === 'string' ? msg.req_id : undefined;
    const op = typeof msg.op === 'string' ? msg.op : '';
    if (op === 'ping') return this.pong(conn, reqId);
    if (op === 'auth') return this.auth(conn, msg.args, reqId);
    if (op === 'subscribe' || op === 'unsubscribe') return this.subscription(conn, op, msg.args, reqId);
    this.send(conn, {
      success: false,
      ret_msg: `unsupported op "${op}"`,
      op,
      conn_id: conn.id,
      ...(reqId ? { req_id: reqId } : {}),
    });
  }

  private pong(conn: Conn, reqId: string | undefined): void {
    const frame =
      conn.kind === 'public'
        ? { success: true, ret_msg: 'pong', conn_id: conn.id, req_id: reqId ?? '', op: 'ping' }
        : { req_id: reqId ?? '', op: 'pong', args: [String(this.d.serverNow())], conn_id: conn.id };
    const delay = this.d.faults.settings.pongDelayMs;
    if (delay > 0) setTimeout(() => this.send(conn, frame), delay).unref();
    else this.send(conn, frame);
  }

  private auth(conn: Conn, args: unknown, reqId: string | undefined): void {
    const base = { op: 'auth', conn_id: conn.id, ...(reqId ? { req_id: reqId } : {}) };
    if (conn.kind !== 'private') return this.send(conn, { success: false, ret_msg: 'Params Error', ...base });
    if (this.d.faults.takeAuthFailure())
      return this.send(conn, { success: false, ret_msg: 'Request not authorized', ...base });
    const r = verifyWsAuth(args, this.d.secretOf, this.d.serverNow());
    if (!r.ok) return this.send(conn, { success: false, ret_msg: r.message, ...base });
    if (conn.key) this.byKey.get(conn.key)?.delete(conn);
    conn.key = r.key;
    let set = this.byKey.get(r.key);
    if (!set) {
      set = new Set();
      this.byKey.set(r.key, set);
    }
    set.add(conn);
    this.send(conn, { success: true, ret_msg: '', ...base });
  }

  private subscription(
    conn: Conn,
    op: 'subscribe' | 'unsubscribe',
    args: unknown,
    reqId: string | undefined,
  ): void {
    const topics = Array.isArray(args) ? args.filter((a): a is string => typeof a === 'string') : [];
    const reply = (success: boolean, retMsg: string) =>
      this.send(conn, {
        success,
        ret_msg: retMsg,
        conn_id: conn.id,
        ...(reqId !== undefined ? { req_id: reqId } : {}),
        op,
      });
    if (topics.length === 0) return reply(false, 'Params Error');
    if (conn.kind === 'private') {
      if (!conn.key) return reply(false, 'Request not authorized');
      const bad = topics.filter((t) => !PRIVATE_TOPICS.has(t));
      if (bad.length) return reply(false, `Invalid topic :[${bad.join(',')}]`);
      const roots = new Set(topics.map((t) => t.split('.')[0]));
      for (const r of roots) {
        // Bybit refuses the all-in-one topic and a categorised one in the same request.
        if (
          topics.includes(r ?? '') &&
          topics.some((t) => t.startsWith(`${r}.`) && !t.startsWith(`${r}.fast`))
        ) {
          return reply(false, 'Params Error');
        }
      }
      for (const t of topics) {
        if (op === 'subscribe') conn.topics.add(t);
        else conn.topics.delete(t);
      }
      return reply(true, '');
    }
    const category = conn.category as 'linear' | 'spot';
    const parsed = topics.map((t) => ({ t, p: parsePublicTopic(category, t) }));
    const bad = parsed.filter((x) => !x.p).map((x) => x.t);
    if (bad.length) return reply(false, `Invalid topic :[${bad.join(',')}]`);
    if (op === 'unsubscribe') {
      for (const t of topics) {
        this.unsubscribePublic(conn, t);
        conn.topics.delete(t);
      }
      return reply(true, '');
    }
    reply(true, '');
    for (const { t, p } of parsed) {
      if (!p || conn.topics.has(t)) continue;
      conn.topics.add(t);
      const key = `${category}|${t}`;
      let stream = this.streams.get(key);
      if (!stream) {
        stream = new PublicStream(t, p, { ...this.d, serverNow: this.d.dataNow });
        this.streams.set(key, stream);
      }
      stream.subscribers.set(conn.id, (text: string) => this.send(conn, text));
      for (const frame of stream.snapshot()) this.send(conn, frame);
    }
  }

  private unsubscribePublic(conn: Conn, topic: string): void {
    if (!conn.category) return;
    const key = `${conn.category}|${topic}`;
    const stream = this.streams.get(key);
    if (!stream) return;
    stream.subscribers.delete(conn.id);
    if (stream.subscribers.size === 0) this.streams.delete(key);
  }

  /** After each market step: one update per public stream with subscribers. */
  publishPublic(): void {
    for (const stream of this.streams.values()) {
      if (stream.subscribers.size === 0) continue;
      const frame = stream.update();
      if (frame) for (const send of stream.subscribers.values()) send(frame);
    }
  }

  publishPrivate(batch: PrivateBatch): void {
    const conns = this.byKey.get(batch.account);
    if (!conns || conns.size === 0) return;
    const cache = new Map<string, string | null>();
    const now = this.d.serverNow();
    const uid = this.d.engine.account(batch.account).uid;
    for (const conn of conns) {
      for (const topic of ['order', 'execution', 'position', 'wallet']) {
        for (const t of conn.topics) {
          if (t !== topic && !t.startsWith(`${topic}.`)) continue;
          if (!cache.has(t)) {
            const data = privateData(this.d.engine, batch, t);
            cache.set(
              t,
              data
                ? JSON.stringify({ id: `${uid}_${t}_${++this.frameSeq}`, topic: t, creationTime: now, data })
                : null,
            );
          }
          const frame = cache.get(t);
          if (frame) this.send(conn, frame);
        }
      }
    }
  }

  /** Server-side close of every socket in scope (the SDK sees an unexpected close and reconnects). */
  drop(scope: WsScope): number {
    let n = 0;
    for (const conn of [...this.conns]) {
      if (scope !== 'all' && conn.kind !== scope) continue;
      conn.ws.terminate();
      n++;
    }
    return n;
  }

  async close(): Promise<void> {
    for (const conn of this.conns) conn.ws.terminate();
    this.conns.clear();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }
}
