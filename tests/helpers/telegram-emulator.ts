// A small Telegram Bot API emulator for tests: an HTTP server on 127.0.0.1 that answers the methods
// bosun calls (JSON, urlencoded and multipart bodies), long-polls getUpdates briefly, keeps the messages
// it was asked to send or edit (photos and documents with their uploaded bytes), and can inject failures
// such as 429 with retry_after.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface TgFile {
  field: string;
  name: string;
  type: string;
  bytes: Buffer;
}

export interface TgCall {
  method: string;
  contentType: string;
  params: Record<string, unknown>;
  files: TgFile[];
  at: number;
}

export interface TgStoredMessage {
  message_id: number;
  chatId: string;
  text?: string;
  caption?: string;
  reply_markup?: unknown;
  photo?: boolean;
  /** sendDocument: the uploaded file as received (multipart). */
  document?: TgFile;
  edits: number;
}

export interface TgUser {
  id: number;
  username?: string;
  first_name?: string;
  is_bot?: boolean;
}

type Update = Record<string, unknown> & { update_id: number };

const NOT_MODIFIED = Symbol('not-modified');

export class TelegramEmulator {
  readonly calls: TgCall[] = [];
  readonly messages = new Map<string, TgStoredMessage>();
  private server: Server | undefined;
  private updates: Update[] = [];
  private nextUpdateId = 1;
  private nextMessageId = 100;
  private waiters = new Set<() => void>();
  private failures: { method: string; code: number; description: string; retryAfter?: number }[] = [];
  private webhook: { url: string; secret?: string } | undefined;
  readonly bot = { id: 999000, is_bot: true, first_name: 'bosun', username: 'bosun_test_bot' };

  constructor(
    readonly token: string,
    /** Longest a getUpdates call is held open, whatever timeout the client asks for. */
    private readonly maxPollMs = 250,
  ) {}

  get apiRoot(): string {
    const a = this.server?.address() as AddressInfo | undefined;
    if (!a) throw new Error('emulator not started');
    return `http://127.0.0.1:${a.port}`;
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.onRequest(req, res));
    await new Promise<void>((r) => this.server?.listen(0, '127.0.0.1', r));
    return this;
  }

  async stop(): Promise<void> {
    for (const w of this.waiters) w();
    this.server?.closeAllConnections();
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }

  /** The next call to `method` fails with this Bot API error. */
  failNext(method: string, code: number, description: string, retryAfter?: number): void {
    this.failures.push({ method, code, description, retryAfter });
  }

  callsOf(method: string): TgCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  /** Wait until a call matching the predicate has been made (checks existing calls first). */
  async waitFor(
    method: string,
    pred: (c: TgCall) => boolean = () => true,
    timeoutMs = 5000,
  ): Promise<TgCall> {
    const t0 = Date.now();
    for (;;) {
      const hit = this.calls.find((c) => c.method === method && pred(c));
      if (hit) return hit;
      if (Date.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${method}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  /** Queue an update (delivered by getUpdates, or POSTed to the webhook when one is set). */
  async pushUpdate(body: Record<string, unknown>): Promise<number> {
    const update: Update = { update_id: this.nextUpdateId++, ...body };
    if (this.webhook) {
      const res = await fetch(this.webhook.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(this.webhook.secret ? { 'x-telegram-bot-api-secret-token': this.webhook.secret } : {}),
        },
        body: JSON.stringify(update),
      });
      await res.arrayBuffer();
      return update.update_id;
    }
    this.updates.push(update);
    for (const w of this.waiters) w();
    return update.update_id;
  }

  sendText(from: TgUser | undefined, chat: { id: number; type?: string }, text: string): Promise<number> {
    const message: Record<string, unknown> = {
      message_id: this.nextMessageId++,
      date: Math.floor(Date.now() / 1000),
      chat: { id: chat.id, type: chat.type ?? (chat.id > 0 ? 'private' : 'group') },
      text,
    };
    if (from) message.from = { is_bot: false, first_name: from.username ?? 'user', ...from };
    if (text.startsWith('/')) {
      const len = text.split(/\s/)[0]?.length ?? 0;
      message.entities = [{ type: 'bot_command', offset: 0, length: len }];
    }
    return this.pushUpdate({ message });
  }

  pressButton(from: TgUser, messageId: number, chatId: string, data: string): Promise<number> {
    const stored = this.messages.get(`${chatId}:${messageId}`);
    return this.pushUpdate({
      callback_query: {
        id: `cb${this.nextUpdateId}`,
        from: { is_bot: false, first_name: from.username ?? 'user', ...from },
        chat_instance: `ci${chatId}`,
        data,
        message: {
          message_id: messageId,
          date: Math.floor(Date.now() / 1000),
          chat: { id: Number(chatId), type: Number(chatId) > 0 ? 'private' : 'group' },
          text: stored?.text ?? '',
        },
      },
    });
  }

  /** Messages the bot has in a chat, oldest first. */
  chat(chatId: string | number): TgStoredMessage[] {
    return [...this.messages.values()].filter((m) => m.chatId === String(chatId));
  }

  private async onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const m = /^\/bot([^/]+)\/([A-Za-z]+)/.exec(req.url ?? '');
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks);
    if (!m) return send(res, 404, { ok: false, error_code: 404, description: 'Not Found' });
    if (m[1] !== this.token)
      return send(res, 401, { ok: false, error_code: 401, description: 'Unauthorized' });
    const method = m[2] as string;
    const contentType = String(req.headers['content-type'] ?? '');
    const { params, files } = await parseBody(contentType, body, req.url ?? '');
    this.calls.push({ method, contentType, params, files, at: Date.now() });
    const fail = this.failures.findIndex((f) => f.method === method);
    if (fail >= 0) {
      const [f] = this.failures.splice(fail, 1);
      if (f) {
        const parameters = f.retryAfter !== undefined ? { retry_after: f.retryAfter } : undefined;
        return send(res, f.code, { ok: false, error_code: f.code, description: f.description, parameters });
      }
    }
    const result = await this.answer(method, params, files, req);
    if (result === NOT_MODIFIED) {
      const description =
        'Bad Request: message is not modified: specified new message content and reply markup are exactly the same';
      return send(res, 400, { ok: false, error_code: 400, description });
    }
    if (result === undefined) {
      return send(res, 404, { ok: false, error_code: 404, description: `Not Found: method ${method}` });
    }
    send(res, 200, { ok: true, result });
  }

  private async answer(
    method: string,
    p: Record<string, unknown>,
    files: TgFile[],
    req: IncomingMessage,
  ): Promise<unknown> {
    const now = Math.floor(Date.now() / 1000);
    switch (method) {
      case 'getMe':
        return this.bot;
      case 'setWebhook':
        this.webhook = { url: String(p.url), secret: p.secret_token ? String(p.secret_token) : undefined };
        if (p.drop_pending_updates) this.updates = [];
        return true;
      case 'deleteWebhook':
        this.webhook = undefined;
        if (p.drop_pending_updates === true || p.drop_pending_updates === 'true') this.updates = [];
        return true;
      case 'setMyCommands':
      case 'answerCallbackQuery':
        return true;
      case 'getUpdates':
        return this.getUpdates(p, req);
      case 'sendMessage':
      case 'sendPhoto':
      case 'sendDocument': {
        const chatId = String(p.chat_id);
        const document = method === 'sendDocument' ? files.find((f) => f.field === 'document') : undefined;
        // Like the Bot API: a document must be uploaded (or referenced), never missing.
        if (method === 'sendDocument' && !document) return undefined;
        const msg: TgStoredMessage = {
          message_id: this.nextMessageId++,
          chatId,
          text: method === 'sendMessage' ? String(p.text) : undefined,
          caption: p.caption !== undefined ? String(p.caption) : undefined,
          reply_markup: parseMaybeJson(p.reply_markup),
          photo: method === 'sendPhoto' ? files.length > 0 : undefined,
          document,
          edits: 0,
        };
        this.messages.set(`${chatId}:${msg.message_id}`, msg);
        const chat = { id: Number(chatId), type: Number(chatId) > 0 ? 'private' : 'group' };
        const base = { message_id: msg.message_id, date: now, chat };
        if (method === 'sendPhoto') {
          return {
            ...base,
            caption: msg.caption,
            photo: [{ file_id: 'f1', file_unique_id: 'u1', width: 1, height: 1 }],
          };
        }
        if (document) {
          return {
            ...base,
            caption: msg.caption,
            document: {
              file_id: `d${msg.message_id}`,
              file_unique_id: `ud${msg.message_id}`,
              file_name: document.name,
              mime_type: document.type,
              file_size: document.bytes.length,
            },
          };
        }
        return { ...base, text: msg.text };
      }
      case 'editMessageText':
      case 'editMessageReplyMarkup': {
        const key = `${String(p.chat_id)}:${String(p.message_id)}`;
        const msg = this.messages.get(key);
        if (!msg) return undefined;
        if (method === 'editMessageText') {
          if (
            msg.text === String(p.text) &&
            JSON.stringify(msg.reply_markup) === JSON.stringify(parseMaybeJson(p.reply_markup))
          ) {
            return NOT_MODIFIED;
          }
          msg.text = String(p.text);
        }
        msg.reply_markup = parseMaybeJson(p.reply_markup);
        msg.edits++;
        return {
          message_id: msg.message_id,
          date: now,
          chat: { id: Number(msg.chatId), type: 'private' },
          text: msg.text,
        };
      }
      default:
        return undefined;
    }
  }

  private async getUpdates(p: Record<string, unknown>, req: IncomingMessage): Promise<Update[]> {
    const offset = Number(p.offset ?? 0);
    if (offset > 0) this.updates = this.updates.filter((u) => u.update_id >= offset);
    const ready = (): Update[] =>
      this.updates.filter((u) => u.update_id >= offset).slice(0, Number(p.limit ?? 100));
    const wait = Math.min(Number(p.timeout ?? 0) * 1000, this.maxPollMs);
    if (ready().length === 0 && wait > 0) {
      await new Promise<void>((resolve) => {
        const done = (): void => {
          clearTimeout(timer);
          this.waiters.delete(done);
          resolve();
        };
        const timer = setTimeout(done, wait);
        this.waiters.add(done);
        req.once('close', done);
      });
    }
    return ready();
  }
}

function send(res: ServerResponse, status: number, body: unknown): void {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

function parseMaybeJson(v: unknown): unknown {
  if (typeof v !== 'string') return v;
  try {
    return JSON.parse(v);
  } catch {
    return v;
  }
}

async function parseBody(
  contentType: string,
  body: Buffer,
  url: string,
): Promise<{ params: Record<string, unknown>; files: TgFile[] }> {
  const params: Record<string, unknown> = {};
  const files: TgFile[] = [];
  for (const [k, v] of new URL(url, 'http://x').searchParams) params[k] = v;
  if (body.length === 0) return { params, files };
  if (contentType.includes('application/json')) {
    return {
      params: { ...params, ...(JSON.parse(body.toString('utf8')) as Record<string, unknown>) },
      files,
    };
  }
  if (
    contentType.includes('multipart/form-data') ||
    contentType.includes('application/x-www-form-urlencoded')
  ) {
    const form = await new Request('http://x/', {
      method: 'POST',
      headers: { 'content-type': contentType },
      body: new Uint8Array(body),
    }).formData();
    for (const [k, v] of form) {
      if (typeof v === 'string') params[k] = v;
      else {
        files.push({ field: k, name: v.name, type: v.type, bytes: Buffer.from(await v.arrayBuffer()) });
        params[k] = { file: v.name, bytes: v.size };
      }
    }
  }
  return { params, files };
}
