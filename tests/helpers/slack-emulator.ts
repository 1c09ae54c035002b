// A small Slack Web API emulator for tests (no maintained one exists on npm): an HTTP server on
// 127.0.0.1 answering the methods bosun calls, the files.uploadV2 upload URL (keeping the uploaded bytes)
// and response_url, plus helpers that sign slash-command and interaction requests the way Slack does.
import { createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SlackCall {
  method: string;
  auth: string;
  params: Record<string, unknown>;
  bytes?: number;
  /** `upload`: the file as received at the upload URL (the multipart part's bytes, or the raw body). */
  file?: { name: string; data: Buffer };
}

export interface SlackStoredMessage {
  channel: string;
  ts: string;
  text: string;
  blocks: unknown[];
  updates: number;
}

type Answer = (params: Record<string, unknown>) => Record<string, unknown>;

export class SlackEmulator {
  readonly calls: SlackCall[] = [];
  readonly messages = new Map<string, SlackStoredMessage>();
  private server: Server | undefined;
  private seq = 100;
  private failures: { method: string; status: number; error?: string; retryAfter?: number }[] = [];
  private readonly extra = new Map<string, { token: string; answer: Answer }>();

  constructor(readonly token = 'xoxb-test') {}

  get base(): string {
    const a = this.server?.address() as AddressInfo | undefined;
    if (!a) throw new Error('emulator not started');
    return `http://127.0.0.1:${a.port}`;
  }

  /** SLACK_API_URL for the client. */
  get apiUrl(): string {
    return `${this.base}/api/`;
  }

  responseUrl(id: string): string {
    return `${this.base}/response/${id}`;
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.onRequest(req, res));
    await new Promise<void>((r) => this.server?.listen(0, '127.0.0.1', r));
    return this;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }

  /** The next call to `method` fails: HTTP 429 with Retry-After, or ok:false with an error code. */
  failNext(method: string, f: { status?: number; error?: string; retryAfter?: number }): void {
    this.failures.push({ method, status: f.status ?? 200, error: f.error, retryAfter: f.retryAfter });
  }

  /** Answer `method` with `answer`, accepting only `token` (e.g. apps.connections.open takes the xapp- token). */
  handle(method: string, token: string, answer: Answer): void {
    this.extra.set(method, { token, answer });
  }

  callsOf(method: string): SlackCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  async waitFor(
    method: string,
    pred: (c: SlackCall) => boolean = () => true,
    timeoutMs = 5000,
  ): Promise<SlackCall> {
    const t0 = Date.now();
    for (;;) {
      const hit = this.calls.find((c) => c.method === method && pred(c));
      if (hit) return hit;
      if (Date.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${method}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  private nextTs(): string {
    return `1700000000.${String(this.seq++).padStart(6, '0')}`;
  }

  private async onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks);
    const url = new URL(req.url ?? '/', this.base);
    const auth = String(req.headers.authorization ?? '');
    if (url.pathname.startsWith('/upload/')) {
      this.calls.push({
        method: 'upload',
        auth,
        params: { fileId: url.pathname.slice(8) },
        bytes: body.length,
        file: await uploadedFile(String(req.headers['content-type'] ?? ''), body),
      });
      res.writeHead(200, { 'content-type': 'text/plain' }).end(`OK - ${body.length}`);
      return;
    }
    if (url.pathname.startsWith('/response/')) {
      this.calls.push({
        method: 'response_url',
        auth,
        params: JSON.parse(body.toString('utf8') || '{}') as Record<string, unknown>,
      });
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
      return;
    }
    const m = /^\/api\/([a-zA-Z.]+)$/.exec(url.pathname);
    if (!m) {
      res.writeHead(404).end();
      return;
    }
    const method = m[1] as string;
    const params = await parse(String(req.headers['content-type'] ?? ''), body);
    this.calls.push({ method, auth, params });
    const token = auth.replace(/^Bearer /, '') || String(params.token ?? '');
    const extra = this.extra.get(method);
    if (token !== (extra?.token ?? this.token)) return json(res, 200, { ok: false, error: 'invalid_auth' });
    const fi = this.failures.findIndex((f) => f.method === method);
    if (fi >= 0) {
      const [f] = this.failures.splice(fi, 1);
      if (f?.status === 429) {
        res.writeHead(429, { 'retry-after': String(f.retryAfter ?? 1), 'content-type': 'application/json' });
        res.end(JSON.stringify({ ok: false, error: 'ratelimited' }));
        return;
      }
      if (f) return json(res, f.status, { ok: false, error: f.error ?? 'internal_error' });
    }
    json(res, 200, extra ? extra.answer(params) : this.answer(method, params));
  }

  private answer(method: string, p: Record<string, unknown>): Record<string, unknown> {
    switch (method) {
      case 'auth.test':
        return {
          ok: true,
          url: 'https://test.slack.com/',
          team: 'test',
          user: 'bosun',
          team_id: 'T1',
          user_id: 'UBOT',
          bot_id: 'BBOT',
        };
      case 'chat.postMessage': {
        const channel = String(p.channel);
        const msg: SlackStoredMessage = {
          channel,
          ts: this.nextTs(),
          text: String(p.text ?? ''),
          blocks: blocksOf(p.blocks),
          updates: 0,
        };
        this.messages.set(`${channel}:${msg.ts}`, msg);
        return { ok: true, channel, ts: msg.ts, message: { text: msg.text, ts: msg.ts } };
      }
      case 'chat.update': {
        const msg = this.messages.get(`${String(p.channel)}:${String(p.ts)}`);
        if (!msg) return { ok: false, error: 'message_not_found' };
        msg.text = String(p.text ?? '');
        msg.blocks = blocksOf(p.blocks);
        msg.updates++;
        return { ok: true, channel: msg.channel, ts: msg.ts, text: msg.text };
      }
      case 'chat.postEphemeral':
        return { ok: true, message_ts: this.nextTs() };
      case 'conversations.open':
        return { ok: true, channel: { id: `D${String(p.users ?? 'X')}` } };
      case 'files.getUploadURLExternal': {
        const id = `F${this.seq++}`;
        return { ok: true, upload_url: `${this.base}/upload/${id}`, file_id: id };
      }
      case 'files.completeUploadExternal': {
        const files = JSON.parse(String(p.files ?? '[]')) as { id: string; title?: string }[];
        return { ok: true, files: files.map((f) => ({ id: f.id, title: f.title ?? '' })) };
      }
      default:
        return { ok: false, error: 'unknown_method' };
    }
  }
}

/** The uploaded file: the web client posts it as a multipart part; a raw body is taken as is. */
async function uploadedFile(contentType: string, body: Buffer): Promise<{ name: string; data: Buffer }> {
  if (!contentType.includes('multipart/form-data')) return { name: '', data: body };
  const form = await new Request('http://x/', {
    method: 'POST',
    headers: { 'content-type': contentType },
    body: new Uint8Array(body),
  }).formData();
  for (const [, v] of form) {
    if (typeof v !== 'string') return { name: v.name, data: Buffer.from(await v.arrayBuffer()) };
  }
  return { name: '', data: Buffer.alloc(0) };
}

function blocksOf(v: unknown): unknown[] {
  if (Array.isArray(v)) return v;
  if (typeof v === 'string') {
    try {
      const parsed: unknown = JSON.parse(v);
      return Array.isArray(parsed) ? parsed : [];
    } catch {
      return [];
    }
  }
  return [];
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

async function parse(contentType: string, body: Buffer): Promise<Record<string, unknown>> {
  if (body.length === 0) return {};
  if (contentType.includes('application/json'))
    return JSON.parse(body.toString('utf8')) as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  if (contentType.includes('multipart/form-data')) {
    const form = await new Request('http://x/', {
      method: 'POST',
      headers: { 'content-type': contentType },
      body: new Uint8Array(body),
    }).formData();
    for (const [k, v] of form) out[k] = typeof v === 'string' ? v : { file: v.name, bytes: v.size };
    return out;
  }
  for (const [k, v] of new URLSearchParams(body.toString('utf8'))) out[k] = v;
  return out;
}

/** Slack's request signature: v0=HMAC_SHA256(secret, "v0:" + ts + ":" + body). */
export function slackSignature(secret: string, ts: number, body: string): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${ts}:${body}`).digest('hex')}`;
}

/** POST a form body to Bolt's endpoint, signed with `secret` (pass a wrong one to forge). */
export async function postSigned(
  url: string,
  secret: string,
  form: Record<string, string>,
  opts: { ts?: number } = {},
): Promise<{ status: number; body: string }> {
  const body = new URLSearchParams(form).toString();
  const ts = opts.ts ?? Math.floor(Date.now() / 1000);
  const res = await fetch(url, {
    method: 'POST',
    body,
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-slack-signature': slackSignature(secret, ts, body),
      'x-slack-request-timestamp': String(ts),
    },
  });
  return { status: res.status, body: await res.text() };
}

export function slashForm(o: {
  user: string;
  team?: string;
  channel?: string;
  text: string;
  responseUrl: string;
}): Record<string, string> {
  return {
    token: 'legacy',
    team_id: o.team ?? 'T1',
    team_domain: 'test',
    channel_id: o.channel ?? 'C1',
    channel_name: 'ops',
    user_id: o.user,
    user_name: o.user.toLowerCase(),
    command: '/bosun',
    text: o.text,
    api_app_id: 'A1',
    response_url: o.responseUrl,
    trigger_id: 'trig',
  };
}

/** An interaction (button press) payload as Slack posts it: form field `payload` with JSON. */
export function buttonForm(o: {
  user: string;
  team?: string;
  channel?: string;
  messageTs: string;
  value: string;
  actionId?: string;
  responseUrl: string;
}): Record<string, string> {
  const payload = {
    type: 'block_actions',
    team: { id: o.team ?? 'T1', domain: 'test' },
    user: { id: o.user, username: o.user.toLowerCase(), team_id: o.team ?? 'T1' },
    api_app_id: 'A1',
    token: 'legacy',
    container: {
      type: 'message',
      message_ts: o.messageTs,
      channel_id: o.channel ?? 'C1',
      is_ephemeral: false,
    },
    trigger_id: 'trig',
    channel: { id: o.channel ?? 'C1', name: 'ops' },
    message: { type: 'message', ts: o.messageTs, text: '' },
    response_url: o.responseUrl,
    actions: [
      {
        type: 'button',
        action_id: o.actionId ?? 'bosun_btn_0',
        block_id: 'b1',
        text: { type: 'plain_text', text: 'x' },
        value: o.value,
        action_ts: String(Date.now() / 1000),
      },
    ],
  };
  return { payload: JSON.stringify(payload) };
}

/** POST a JSON event envelope (Events API) to Bolt's endpoint, signed. */
export async function postSignedJson(
  url: string,
  secret: string,
  payload: unknown,
): Promise<{ status: number; body: string }> {
  const body = JSON.stringify(payload);
  const ts = Math.floor(Date.now() / 1000);
  const res = await fetch(url, {
    method: 'POST',
    body,
    headers: {
      'content-type': 'application/json',
      'x-slack-signature': slackSignature(secret, ts, body),
      'x-slack-request-timestamp': String(ts),
    },
  });
  return { status: res.status, body: await res.text() };
}
