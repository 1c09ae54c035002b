// Telegram adapter (telegraf 4): maps updates to the chat core and renders replies as HTML messages,
// inline keyboards, photos and documents. Long polling (pending updates dropped at start) or a webhook
// with a secret token. Updates without a real sender are passed on as such, so the core rejects them.
import { createServer, type Server } from 'node:http';
import { Telegraf, type Context } from 'telegraf';
import type { UserFromGetMe } from 'telegraf/types';
import type { ChatCore, ChatInput } from '../core/gateway.js';
import { TELEGRAM_ANONYMOUS_ADMIN_ID } from '../core/authz.js';
import type { MessageRef, Reply } from '../core/reply.js';
import type { ChatSink } from '../core/sink.js';
import { logger } from '../../platform/logger.js';
import { isNotModified, scrub, toSinkError } from './errors.js';
import { renderTelegram, TG_CAPTION_LIMIT, withinDocumentLimit } from './render.js';

export interface TelegramAdapterOptions {
  token: string;
  /** TELEGRAM_API_ROOT (emulators, local Bot API servers). */
  apiRoot?: string;
  core: ChatCore;
  /** Webhook mode: Telegram posts updates to `url`, which must end at `port` here (or mount webhookHandler). */
  webhook?: { url: string; secret: string; port?: number; host?: string };
  /** Known bot identity: skips getMe. */
  botInfo?: UserFromGetMe;
}

export class TelegramAdapter implements ChatSink {
  readonly platform = 'telegram' as const;
  readonly bot: Telegraf;
  private server: Server | undefined;
  private polling: Promise<void> | undefined;
  private readonly inflight = new Set<Promise<unknown>>();

  constructor(private readonly opts: TelegramAdapterOptions) {
    this.bot = new Telegraf(opts.token, {
      // Webhook replies would hide the sent message's id, which approvals need to edit it later.
      telegram: { apiRoot: opts.apiRoot ?? 'https://api.telegram.org', webhookReply: false },
      handlerTimeout: 60_000,
    });
    if (opts.botInfo) this.bot.botInfo = opts.botInfo;
    this.bot.on('message', (ctx) => this.track(this.onMessage(ctx)));
    this.bot.on('channel_post', (ctx) => this.track(this.onMessage(ctx)));
    this.bot.on('callback_query', (ctx) => this.track(this.onCallback(ctx)));
    this.bot.catch((err) => {
      logger().error(
        { err: scrub(err instanceof Error ? err.message : String(err), opts.token) },
        'telegram update failed',
      );
    });
  }

  /** Start receiving updates. Resolves once polling runs or the webhook is registered. */
  async start(): Promise<void> {
    this.bot.botInfo ??= await this.bot.telegram.getMe();
    // The command menu Telegram shows when typing "/"; best effort (not every API server has it).
    await this.bot.telegram
      .setMyCommands(
        this.opts.core
          .catalog('admin')
          .map((c) => ({ command: c.name, description: c.summary.slice(0, 256) })),
      )
      .catch(() => {});
    const wh = this.opts.webhook;
    if (wh) {
      const path = new URL(wh.url).pathname;
      const handler = this.bot.webhookCallback(path, { secretToken: wh.secret });
      if (wh.port !== undefined) {
        this.server = createServer((req, res) => void handler(req, res));
        await new Promise<void>((r) => this.server?.listen(wh.port, wh.host ?? '0.0.0.0', r));
      }
      await this.bot.telegram.setWebhook(wh.url, { secret_token: wh.secret, drop_pending_updates: true });
      return;
    }
    // Commands queued while the bot was down are stale: never act on them (freqtrade does the same).
    // Dropped here, not by launch(): launch signals readiness before its own drop, which would then
    // swallow messages sent just after start() returned.
    await this.bot.telegram.deleteWebhook({ drop_pending_updates: true });
    let started: () => void = () => {};
    const ready = new Promise<void>((r) => (started = r));
    this.polling = this.bot
      .launch(() => started())
      .catch((e: unknown) => {
        logger().error(
          { err: scrub(e instanceof Error ? e.message : String(e), this.opts.token) },
          'telegram polling stopped',
        );
      });
    await ready;
  }

  /** The webhook endpoint as a node http handler, to mount on an existing server. */
  webhookHandler(): ReturnType<Telegraf['webhookCallback']> {
    const wh = this.opts.webhook;
    if (!wh) throw new Error('telegram adapter is not in webhook mode');
    return this.bot.webhookCallback(new URL(wh.url).pathname, { secretToken: wh.secret });
  }

  async stop(): Promise<void> {
    try {
      if (this.polling) this.bot.stop('shutdown');
    } catch {
      // not running
    }
    await this.polling;
    await Promise.allSettled([...this.inflight]);
    if (this.server) await new Promise<void>((r) => this.server?.close(() => r()));
  }

  async send(chatId: string, reply: Reply): Promise<MessageRef> {
    try {
      return await this.sendNow(chatId, reply);
    } catch (e) {
      throw toSinkError(e, this.opts.token);
    }
  }

  async edit(ref: MessageRef, reply: Reply): Promise<void> {
    const [msg] = renderTelegram(reply);
    if (!msg) return;
    try {
      await this.bot.telegram.editMessageText(ref.chatId, Number(ref.messageId), undefined, msg.html, {
        parse_mode: 'HTML',
        reply_markup: msg.keyboard ?? { inline_keyboard: [] },
      });
    } catch (e) {
      if (isNotModified(e)) return;
      throw toSinkError(e, this.opts.token);
    }
  }

  private async sendNow(chatId: string, original: Reply): Promise<MessageRef> {
    const reply = withinDocumentLimit(original);
    const parts = renderTelegram(reply);
    const fits =
      parts.length === 1 && parts[0] && parts[0].html.length <= TG_CAPTION_LIMIT ? parts[0] : undefined;
    // Text short enough for a caption rides on the first attachment; otherwise it goes as messages.
    const carrier = fits && (reply.image ? 'image' : reply.file ? 'file' : undefined);
    const captionOf = (on: 'image' | 'file', own: string | undefined) =>
      carrier === on && fits
        ? { caption: fits.html, parse_mode: 'HTML' as const, reply_markup: fits.keyboard }
        : { caption: (own ?? reply.title ?? '').slice(0, TG_CAPTION_LIMIT) };
    let lastId = '';
    let textId: string | undefined;
    if (reply.image) {
      const sent = await this.bot.telegram.sendPhoto(
        chatId,
        { source: reply.image.png, filename: reply.image.filename },
        captionOf('image', reply.image.caption),
      );
      lastId = String(sent.message_id);
      if (carrier === 'image') textId = lastId;
    }
    if (!carrier) {
      for (const p of parts) {
        const sent = await this.bot.telegram.sendMessage(chatId, p.html, {
          parse_mode: 'HTML',
          reply_markup: p.keyboard,
          link_preview_options: { is_disabled: true },
        });
        lastId = String(sent.message_id);
      }
      textId = lastId;
    }
    if (reply.file) {
      // sendDocument is multipart/form-data; the file name is what the chat shows and saves.
      const sent = await this.bot.telegram.sendDocument(
        chatId,
        { source: reply.file.data, filename: reply.file.filename },
        captionOf('file', reply.file.caption),
      );
      lastId = String(sent.message_id);
      if (carrier === 'file') textId = lastId;
    }
    // The message with the text (and its buttons) is the one later edits target.
    return { platform: 'telegram', chatId, messageId: textId ?? lastId };
  }

  private track<T>(p: Promise<T>): Promise<T> {
    this.inflight.add(p);
    void p.finally(() => this.inflight.delete(p)).catch(() => {});
    return p;
  }

  private async onMessage(ctx: Context): Promise<void> {
    const msg = ctx.message ?? ctx.channelPost;
    if (!msg || !('text' in msg) || !ctx.chat) return;
    const isPrivate = ctx.chat.type === 'private';
    // In groups only /commands are for us; in a private chat any text is.
    if (!isPrivate && !msg.text.startsWith('/')) return;
    // "/status@other_bot" in a group is for another bot.
    const addressed = /^\/[A-Za-z0-9_]+@([A-Za-z0-9_]+)/.exec(msg.text)?.[1];
    if (addressed && this.bot.botInfo && addressed.toLowerCase() !== this.bot.botInfo.username.toLowerCase())
      return;
    const res = await this.opts.core.handle({ ...this.identity(ctx), text: msg.text });
    await this.deliver(ctx, res.replies, undefined);
  }

  private async onCallback(ctx: Context): Promise<void> {
    const cq = ctx.callbackQuery;
    if (!cq || !('data' in cq)) {
      await ctx.answerCbQuery().catch(() => {});
      return;
    }
    const res = await this.opts.core.handle({ ...this.identity(ctx), callback: cq.data });
    await ctx.answerCbQuery(res.notice?.slice(0, 190)).catch(() => {});
    const origin = cq.message
      ? { chatId: String(cq.message.chat.id), messageId: String(cq.message.message_id) }
      : undefined;
    await this.deliver(ctx, res.replies, origin);
  }

  private identity(ctx: Context): Omit<ChatInput, 'text' | 'callback'> {
    const from = ctx.from;
    const chatId = String(ctx.chat?.id ?? from?.id ?? '');
    // Channel posts and anonymous group admins carry no person we could authorise.
    const anonymous = !from || from.is_bot || String(from.id) === TELEGRAM_ANONYMOUS_ADMIN_ID;
    return {
      platform: 'telegram',
      userId: anonymous ? undefined : String(from.id),
      userName: from?.username ? `@${from.username}` : from?.first_name,
      chatId,
      scope: chatId,
    };
  }

  private async deliver(
    ctx: Context,
    replies: Reply[],
    origin: { chatId: string; messageId: string } | undefined,
  ) {
    const chatId = String(ctx.chat?.id ?? ctx.from?.id ?? '');
    for (const r of replies) {
      try {
        if (r.edit === 'origin' && origin && !r.image && !r.file) {
          await this.edit({ platform: 'telegram', ...origin }, r);
        } else if (r.edit && r.edit !== 'origin' && r.edit.platform === 'telegram') {
          await this.edit(r.edit, r);
        } else if (chatId) {
          await this.send(chatId, r);
        }
      } catch (e) {
        logger().warn({ err: toSinkError(e, this.opts.token).message }, 'telegram reply not delivered');
      }
    }
  }
}
