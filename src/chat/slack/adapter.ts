// Slack adapter (Bolt 5): one slash command (`/bosun <command> [args]`), direct messages, and buttons,
// all mapped to the chat core; replies rendered as Block Kit. Socket Mode when an app token is given,
// else HTTP on SLACK_PORT at /slack/events with signing-secret verification (Bolt answers 401 on a bad
// signature or a stale timestamp). Every request is acknowledged at once; the work happens after.
import type { Server } from 'node:http';
import { App, LogLevel, type Logger as BoltLogger } from '@slack/bolt';
import type { ChatCore } from '../core/gateway.js';
import type { MessageRef, Reply } from '../core/reply.js';
import type { ChatSink } from '../core/sink.js';
import { logger } from '../../platform/logger.js';
import { toSinkError } from './errors.js';
import { BUTTON_ACTION_PREFIX, renderSlack } from './render.js';

export interface SlackAdapterOptions {
  token: string;
  signingSecret?: string;
  /** SLACK_APP_TOKEN: selects Socket Mode. */
  appToken?: string;
  /** SLACK_API_URL (emulators). */
  apiUrl?: string;
  /** HTTP mode port (SLACK_PORT); 0 picks a free one. */
  port?: number;
  core: ChatCore;
  /** The slash command as configured in the Slack app. */
  command?: string;
}

type Respond = (msg: Record<string, unknown>) => Promise<unknown>;

function boltLogger(): BoltLogger {
  const l = logger().child({ component: 'slack' });
  let level = LogLevel.WARN;
  return {
    debug: () => {},
    info: () => {},
    warn: (...m: unknown[]) => l.warn(m.map(String).join(' ').slice(0, 300)),
    error: (...m: unknown[]) =>
      l.error(
        m
          .map((x) => (x instanceof Error ? x.message : String(x)))
          .join(' ')
          .slice(0, 300),
      ),
    setLevel: (v: LogLevel) => void (level = v),
    getLevel: () => level,
    setName: () => {},
  };
}

export class SlackAdapter implements ChatSink {
  readonly platform = 'slack' as const;
  readonly app: App;
  private server: Server | undefined;
  private readonly inflight = new Set<Promise<unknown>>();

  constructor(private readonly opts: SlackAdapterOptions) {
    const socketMode = Boolean(opts.appToken);
    this.app = new App({
      token: opts.token,
      ...(socketMode ? { appToken: opts.appToken, socketMode: true } : { signingSecret: opts.signingSecret }),
      clientOptions: { slackApiUrl: opts.apiUrl ?? 'https://slack.com/api/', retryConfig: { retries: 3 } },
      logger: boltLogger(),
    });
    this.app.command(opts.command ?? '/bosun', async ({ command, ack, respond }) => {
      await ack();
      await this.track(this.onSlash(command, respond));
    });
    this.app.action(new RegExp(`^${BUTTON_ACTION_PREFIX}`), async ({ ack, body, action, respond }) => {
      await ack();
      if (body.type !== 'block_actions' || action.type !== 'button') return;
      await this.track(this.onButton(body, action.value ?? '', respond));
    });
    this.app.message(async ({ message, context }) => {
      if (message.subtype !== undefined || message.channel_type !== 'im' || !('text' in message)) return;
      await this.track(
        this.onDirect(
          message.channel,
          message.user,
          message.text ?? '',
          context.teamId ?? context.enterpriseId ?? '*',
        ),
      );
    });
    this.app.error(async (e) => {
      logger().error({ err: e instanceof Error ? e.message : String(e) }, 'slack handler failed');
    });
  }

  /** Start listening; returns the HTTP port in HTTP mode (useful with port 0). */
  async start(): Promise<number | undefined> {
    if (this.opts.appToken) {
      await this.app.start();
      return undefined;
    }
    const s = (await this.app.start(this.opts.port ?? 3000)) as Server;
    this.server = s;
    const a = s.address();
    return a && typeof a === 'object' ? a.port : undefined;
  }

  async stop(): Promise<void> {
    // Stop taking requests first (in Socket Mode the socket closes, so Slack redelivers unacked envelopes
    // elsewhere); draining first would start, and not wait for, whatever arrived during the drain.
    await this.app.stop();
    await Promise.allSettled([...this.inflight]);
  }

  async send(chatId: string, reply: Reply): Promise<MessageRef> {
    try {
      const m = renderSlack(reply);
      const res = await this.app.client.chat.postMessage({ channel: chatId, text: m.text, blocks: m.blocks });
      // Attachments go through files.uploadV2 (getUploadURLExternal → upload → completeUploadExternal).
      const uploads = [
        ...(reply.image
          ? [{ data: reply.image.png, filename: reply.image.filename, caption: reply.image.caption }]
          : []),
        ...(reply.file ? [reply.file] : []),
      ];
      for (const u of uploads) {
        await this.app.client.files.uploadV2({
          channel_id: res.channel ?? chatId,
          file: u.data,
          filename: u.filename,
          title: u.caption ?? reply.title ?? u.filename,
        });
      }
      return { platform: 'slack', chatId: res.channel ?? chatId, messageId: res.ts ?? '' };
    } catch (e) {
      throw toSinkError(e);
    }
  }

  async edit(ref: MessageRef, reply: Reply): Promise<void> {
    try {
      const m = renderSlack(reply);
      await this.app.client.chat.update({
        channel: ref.chatId,
        ts: ref.messageId,
        text: m.text,
        blocks: m.blocks,
      });
    } catch (e) {
      throw toSinkError(e);
    }
  }

  private track<T>(p: Promise<T>): Promise<T> {
    this.inflight.add(p);
    void p.finally(() => this.inflight.delete(p)).catch(() => {});
    return p;
  }

  private async onSlash(
    c: { user_id: string; user_name: string; channel_id: string; team_id: string; text: string },
    respond: Respond,
  ): Promise<void> {
    const res = await this.opts.core.handle({
      platform: 'slack',
      userId: c.user_id || undefined,
      userName: c.user_name ? `@${c.user_name}` : undefined,
      chatId: c.channel_id,
      scope: c.team_id,
      text: c.text.trim() || 'help',
    });
    for (const r of res.replies) await this.deliver(c.channel_id, r, respond, undefined);
  }

  private async onButton(
    body: {
      user: { id: string; username?: string };
      team: { id: string } | null;
      channel?: { id: string };
      message?: { ts: string };
    },
    value: string,
    respond: Respond,
  ): Promise<void> {
    const channel = body.channel?.id ?? body.user.id;
    const res = await this.opts.core.handle({
      platform: 'slack',
      userId: body.user.id || undefined,
      userName: body.user.username ? `@${body.user.username}` : undefined,
      chatId: channel,
      scope: body.team?.id ?? '*',
      callback: value,
    });
    const origin = body.message ? { chatId: channel, messageId: body.message.ts } : undefined;
    if (res.replies.length === 0 && res.notice) {
      await respond({ response_type: 'ephemeral', replace_original: false, text: res.notice }).catch(
        () => {},
      );
    }
    for (const r of res.replies) await this.deliver(channel, r, respond, origin);
  }

  private async onDirect(
    channel: string,
    user: string | undefined,
    text: string,
    team: string,
  ): Promise<void> {
    const res = await this.opts.core.handle({
      platform: 'slack',
      userId: user,
      chatId: channel,
      scope: team,
      text,
    });
    for (const r of res.replies) {
      await this.send(channel, r).catch((e: unknown) =>
        logger().warn({ err: toSinkError(e).message }, 'slack reply not delivered'),
      );
    }
  }

  private async deliver(
    channel: string,
    r: Reply,
    respond: Respond,
    origin: { chatId: string; messageId: string } | undefined,
  ): Promise<void> {
    try {
      if (r.edit === 'origin' && origin) return await this.edit({ platform: 'slack', ...origin }, r);
      if (r.edit && r.edit !== 'origin' && r.edit.platform === 'slack') return await this.edit(r.edit, r);
      if (r.private && !r.image && !r.file) {
        const m = renderSlack(r);
        await respond({
          response_type: 'ephemeral',
          replace_original: false,
          text: m.text,
          blocks: m.blocks,
        });
        return;
      }
      await this.send(channel, r);
    } catch (e) {
      // Not a member of the channel (or similar): answer through the command's response_url instead.
      const m = renderSlack(r);
      await respond({
        response_type: 'in_channel',
        replace_original: false,
        text: m.text,
        blocks: m.blocks,
      }).catch(() => logger().warn({ err: toSinkError(e).message }, 'slack reply not delivered'));
    }
  }
}
