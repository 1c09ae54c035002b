// Slack's Socket Mode for tests: `apps.connections.open` on the Web API emulator (app token only) hands
// out a one-use ws:// URL to a local WebSocket server that greets with `hello`, delivers envelopes
// (slash_commands, interactive, events_api) and records the client's acks, as @slack/socket-mode expects.
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import type { SlackEmulator } from './slack-emulator.js';

export type EnvelopeType = 'slash_commands' | 'interactive' | 'events_api';

/** What the client sent back for an envelope: `{ envelope_id, payload }`. */
export interface SocketAck {
  envelope_id: string;
  payload?: Record<string, unknown>;
}

export class SlackSocketEmulator {
  readonly acks: SocketAck[] = [];
  /** Client frames that are not acks (malformed or unexpected). */
  readonly stray: string[] = [];
  /** Connections that completed the handshake (got `hello`), counting reconnections. */
  connections = 0;
  /** Close codes of connections that ended (1000: the client closed normally; 1006: dropped). */
  readonly closes: number[] = [];
  private http: Server | undefined;
  private readonly wss = new WebSocketServer({ noServer: true });
  private readonly live = new Set<WebSocket>();
  private readonly tickets = new Set<string>();

  constructor(
    private readonly api: SlackEmulator,
    readonly appToken = 'xapp-1-A1-test',
  ) {}

  async start(): Promise<this> {
    this.http = createServer((_req, res) => res.writeHead(426).end());
    this.http.on('upgrade', (req, socket, head) => {
      const url = new URL(req.url ?? '/', 'ws://emulator');
      // Slack's tickets are single use: a client must call apps.connections.open again to reconnect.
      if (url.pathname !== '/link/' || !this.tickets.delete(url.searchParams.get('ticket') ?? '')) {
        socket.end('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\n\r\n');
        return;
      }
      this.wss.handleUpgrade(req, socket, head, (ws) => this.onConnection(ws));
    });
    await new Promise<void>((r) => this.http?.listen(0, '127.0.0.1', r));
    const { port } = this.http.address() as AddressInfo;
    this.api.handle('apps.connections.open', this.appToken, () => {
      const ticket = randomUUID();
      this.tickets.add(ticket);
      return { ok: true, url: `ws://127.0.0.1:${port}/link/?ticket=${ticket}&app_id=A1` };
    });
    return this;
  }

  async stop(): Promise<void> {
    for (const ws of this.live) ws.terminate();
    this.http?.closeAllConnections();
    await new Promise<void>((r) => this.wss.close(() => r()));
    await new Promise<void>((r) => (this.http ? this.http.close(() => r()) : r()));
  }

  /** Wait until `n` connections have been greeted in total (1 = the first). */
  async waitConnected(n = 1, timeoutMs = 15_000): Promise<void> {
    await until(() => this.connections >= n && this.live.size > 0, timeoutMs, `connection #${n}`);
  }

  /** Wait until no connection is open (after the client disconnected, or a drop). */
  async waitClosed(timeoutMs = 5000): Promise<void> {
    await until(() => this.live.size === 0, timeoutMs, 'the connection to close');
  }

  /** Send an envelope over the newest live connection; returns its envelope_id. */
  deliver(type: EnvelopeType, payload: Record<string, unknown>, acceptsResponsePayload = false): string {
    const ws = [...this.live].at(-1);
    if (!ws) throw new Error('no Socket Mode connection is open');
    const envelope_id = randomUUID();
    ws.send(
      JSON.stringify({
        envelope_id,
        type,
        payload,
        accepts_response_payload: acceptsResponsePayload,
        ...(type === 'events_api' ? { retry_attempt: 0, retry_reason: '' } : {}),
      }),
    );
    return envelope_id;
  }

  /** A slash command: the same fields Slack would POST as a form (see slashForm), as a JSON object. */
  slash(form: Record<string, string>): string {
    return this.deliver('slash_commands', form, true);
  }

  /** An interaction: the JSON that HTTP mode carries in the `payload` form field (see buttonForm). */
  interact(form: { payload?: string }): string {
    return this.deliver('interactive', JSON.parse(form.payload ?? '{}') as Record<string, unknown>);
  }

  async waitAck(envelopeId: string, timeoutMs = 5000): Promise<SocketAck> {
    let hit: SocketAck | undefined;
    await until(
      () => (hit = this.acks.find((a) => a.envelope_id === envelopeId)) !== undefined,
      timeoutMs,
      `ack of ${envelopeId}`,
    );
    return hit as SocketAck;
  }

  /** The network drops: sockets are destroyed without a close frame. */
  drop(): void {
    for (const ws of this.live) ws.terminate();
  }

  // The client's heartbeat pings are answered with pongs by ws itself (autoPong).
  private onConnection(ws: WebSocket): void {
    this.live.add(ws);
    ws.on('close', (code) => {
      this.live.delete(ws);
      this.closes.push(code);
    });
    ws.on('message', (data, isBinary) => {
      const text = isBinary ? '' : data.toString();
      try {
        const m = JSON.parse(text) as Partial<SocketAck>;
        if (typeof m.envelope_id === 'string') return void this.acks.push(m as SocketAck);
      } catch {
        // fall through: recorded as stray
      }
      this.stray.push(text);
    });
    this.connections++;
    ws.send(
      JSON.stringify({
        type: 'hello',
        num_connections: this.live.size,
        debug_info: { host: 'applink-emulator', build_number: 1, approximate_connection_time: 18060 },
        connection_info: { app_id: 'A1' },
      }),
    );
  }
}

async function until(pred: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const t0 = Date.now();
  while (!pred()) {
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
