// `bosun console` for a running bot, over the bot's Redis: the console pushes each line to a request list
// one gateway process takes, and the replies come back on a list of the console's own; alerts and
// approval cards the bot routes to the console are published on a channel every console prints. The
// console never opens the bot's database (an embedded one is locked to the bot) nor its exchange.
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { ChatInput, ChatResult } from '../core/chat-input.js';
import { text, type MessageRef, type Reply } from '../core/reply.js';
import type { ChatSink } from '../core/sink.js';

/** How long a console waits for the bot to answer one line (a /backtest answers "queued" at once). */
export const REPLY_TIMEOUT_MS = 30_000;
/** The bot renews its presence key this often; a console takes a missing key for "no bot running". */
const PRESENCE_MS = 5_000;

export function consoleKeys(prefix: string) {
  return {
    requests: `${prefix}:console:requests`,
    replies: (client: string) => `${prefix}:console:replies:${client}`,
    events: `${prefix}:console:events`,
    presence: `${prefix}:console:host`,
  };
}

interface WireRequest {
  id: string;
  client: string;
  input: ChatInput;
}

interface WireReply {
  id: string;
  result: ChatResult;
}

/** What the bot pushes to consoles: a new message, or a new version of one already shown. */
export interface ConsoleEvent {
  kind: 'send' | 'edit';
  messageId: string;
  reply: Reply;
}

// Replies carry charts and files as Buffers; JSON carries them as base64.
function encode(v: unknown): string {
  return JSON.stringify(v, (_k, x: unknown) =>
    x && typeof x === 'object' && (x as { type?: unknown }).type === 'Buffer' && 'data' in x
      ? { $b64: Buffer.from((x as { data: number[] }).data).toString('base64') }
      : x,
  );
}

function decode<T>(s: string): T {
  return JSON.parse(s, (_k, x: unknown) =>
    x && typeof x === 'object' && typeof (x as { $b64?: unknown }).$b64 === 'string'
      ? Buffer.from((x as { $b64: string }).$b64, 'base64')
      : x,
  ) as T;
}

/** The bot side of the console: the alerts sink consoles print, publishing on the events channel. */
export class RemoteConsoleSink implements ChatSink {
  readonly platform = 'console' as const;
  private next = 1;

  constructor(
    private readonly redis: Redis,
    private readonly channel: string,
  ) {}

  async send(chatId: string, reply: Reply): Promise<MessageRef> {
    const messageId = `${Date.now().toString(36)}-${this.next++}`;
    await this.redis.publish(this.channel, encode({ kind: 'send', messageId, reply } satisfies ConsoleEvent));
    return { platform: 'console', chatId, messageId };
  }

  async edit(ref: MessageRef, reply: Reply): Promise<void> {
    const ev: ConsoleEvent = { kind: 'edit', messageId: ref.messageId, reply };
    await this.redis.publish(this.channel, encode(ev));
  }
}

export interface ConsoleHost {
  sink: RemoteConsoleSink;
  stop(): Promise<void>;
}

/**
 * Answer consoles from inside the bot: take one request at a time off the list (with several gateway
 * processes, each line is answered once), run it through the chat core as the console platform, and
 * push the result to the asking console's list. `connect` opens a fresh Redis connection.
 */
export function startConsoleHost(o: {
  connect: () => Redis;
  prefix: string;
  handle: (input: ChatInput) => Promise<ChatResult>;
  log?: (msg: string) => void;
}): ConsoleHost {
  const keys = consoleKeys(o.prefix);
  const blocking = o.connect();
  const pub = o.connect();
  for (const c of [blocking, pub]) c.on('error', () => {});
  let running = true;
  const beat = async () => void (await pub.set(keys.presence, String(process.pid), 'PX', PRESENCE_MS * 3));
  void beat().catch(() => undefined);
  const timer = setInterval(() => void beat().catch(() => undefined), PRESENCE_MS);
  const loop = (async () => {
    while (running) {
      let raw: [string, string] | null;
      try {
        raw = await blocking.brpop(keys.requests, 1);
      } catch {
        if (!running) break;
        await new Promise((r) => setTimeout(r, 500));
        continue;
      }
      if (!raw) continue;
      let req: WireRequest;
      try {
        req = decode<WireRequest>(raw[1]);
      } catch {
        o.log?.('console request not understood: dropped');
        continue;
      }
      // Only the console platform: a request cannot pose as a Telegram or Slack user.
      const result = await o.handle({ ...req.input, platform: 'console', chatId: 'console', scope: '*' });
      const key = keys.replies(req.client);
      await pub
        .multi()
        .lpush(key, encode({ id: req.id, result } satisfies WireReply))
        .pexpire(key, REPLY_TIMEOUT_MS * 2)
        .exec()
        .catch(() => undefined);
    }
  })();
  return {
    sink: new RemoteConsoleSink(pub, keys.events),
    async stop() {
      running = false;
      clearInterval(timer);
      await pub.del(keys.presence).catch(() => undefined);
      blocking.disconnect();
      await loop.catch(() => undefined);
      pub.disconnect();
    },
  };
}

export class NoBotError extends Error {
  override readonly name = 'NoBotError';
}

export interface RemoteConsole {
  handle(input: ChatInput): Promise<ChatResult>;
  close(): Promise<void>;
}

/**
 * The console side: checks a bot is there, subscribes to its events (printed through `onEvent` as they
 * come) and sends lines. `where` names the Redis and prefix in the "no bot" message.
 */
export async function connectRemoteConsole(o: {
  connect: () => Redis;
  prefix: string;
  where: string;
  onEvent: (e: ConsoleEvent) => void;
  timeoutMs?: number;
}): Promise<RemoteConsole> {
  const keys = consoleKeys(o.prefix);
  const cmd = o.connect();
  const sub = o.connect();
  const replies = o.connect();
  for (const c of [cmd, sub, replies]) c.on('error', () => {});
  const closeAll = () => [cmd, sub, replies].forEach((c) => c.disconnect());
  try {
    if ((await cmd.exists(keys.presence)) === 0) {
      throw new NoBotError(
        `no running bot answers on ${o.where} (queue prefix "${o.prefix}"): start it with \`bosun start\` using the same REDIS_URL and BOSUN_QUEUE_PREFIX, or run \`bosun demo\` for a self-contained session`,
      );
    }
    await sub.subscribe(keys.events);
  } catch (e) {
    closeAll();
    throw e;
  }
  sub.on('message', (_channel: string, message: string) => {
    try {
      o.onEvent(decode<ConsoleEvent>(message));
    } catch {
      // A message this console cannot read is skipped; the next one is independent of it.
    }
  });
  const client = randomBytes(8).toString('hex');
  const replyKey = keys.replies(client);
  const timeoutMs = o.timeoutMs ?? REPLY_TIMEOUT_MS;
  let seq = 0;
  return {
    async handle(input) {
      const id = String(++seq);
      await cmd.lpush(keys.requests, encode({ id, client, input } satisfies WireRequest));
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline) {
        const wait = Math.max(1, Math.ceil((deadline - Date.now()) / 1000));
        const raw = await replies.brpop(replyKey, Math.min(wait, 5));
        if (!raw) continue;
        const r = decode<WireReply>(raw[1]);
        // A late answer to a line given up on: not this line's.
        if (r.id === id) return r.result;
      }
      return {
        replies: [
          {
            title: 'No answer',
            tone: 'error',
            blocks: [
              text(
                `The bot did not answer within ${Math.round(timeoutMs / 1000)} s; it may be busy or stopped. The line may still run.`,
              ),
            ],
          },
        ],
      };
    },
    async close() {
      await sub.unsubscribe().catch(() => undefined);
      await cmd.del(replyKey).catch(() => undefined);
      closeAll();
    },
  };
}
