// The terminal chat: the same commands and replies as Telegram and Slack, typed at a prompt (or piped,
// one command per line). Buttons become numbered choices: type /1, or the button's callback data. Files
// in replies are saved under a directory and their path printed.
import { createInterface } from 'node:readline';
import { parseCallback } from '../core/callback-data.js';
import type { ChatCore } from '../core/gateway.js';
import { saveAttachments } from '../core/save-attachments.js';
import type { Button, MessageRef, Reply } from '../core/reply.js';
import type { ChatSink } from '../core/sink.js';
import { renderPlain } from './render.js';

export interface ConsoleActor {
  userId: string;
  name?: string;
}

export interface RunConsoleOptions {
  input: NodeJS.ReadableStream & { isTTY?: boolean };
  output: NodeJS.WritableStream;
  /** The chat core in this process, or a running bot's reached over Redis (remote.ts). */
  core: Pick<ChatCore, 'handle'>;
  actor?: ConsoleActor;
  /** Shown before the first prompt on a terminal. */
  banner?: string;
  /** Where files and charts in replies (an /export) are saved; their path is printed instead. */
  fileDir?: string;
}

/** Resolves on /quit or end of input. Lines are handled strictly one after another. */
export async function runConsole(opts: RunConsoleOptions): Promise<void> {
  const actor = opts.actor ?? { userId: 'local', name: 'local admin' };
  const tty = opts.input.isTTY === true;
  const rl = createInterface({ input: opts.input, output: tty ? opts.output : undefined, terminal: tty });
  const write = (s: string): void => void opts.output.write(`${s}\n`);
  let choices: Button[] = [];
  if (tty) {
    write(opts.banner ?? 'bosun console: type /help for commands, /quit to leave.');
    rl.setPrompt('bosun> ');
    rl.prompt();
  }
  try {
    for await (const raw of rl) {
      const line = raw.trim();
      if (line === '/quit' || line === '/exit') break;
      if (line !== '') {
        const pick = /^\/?(\d{1,2})$/.exec(line);
        const chosen = pick ? choices[Number(pick[1]) - 1] : undefined;
        // Buttons printed by alerts can be pressed by typing their data (shown next to them).
        const callback = chosen?.data ?? (parseCallback(line) ? line : undefined);
        const res = await opts.core.handle({
          platform: 'console',
          userId: actor.userId,
          userName: actor.name,
          chatId: 'console',
          scope: '*',
          ...(callback !== undefined ? { callback } : { text: line }),
        });
        if (pick && !chosen) write(`no choice ${pick[1]} here`);
        if (res.replies.length === 0 && res.notice && callback !== undefined) write(res.notice);
        choices = [];
        for (const r of res.replies) {
          const out = renderPlain(await saveAttachments(r, opts.fileDir), choices.length);
          choices.push(...out.buttons);
          write(out.text);
        }
      }
      if (tty) rl.prompt();
    }
  } finally {
    rl.close();
  }
}

/**
 * What a terminal prints for a pushed message and its later versions. An edit that changes nothing is
 * not printed again: an approval is re-rendered both by the vote and by the decision's alert.
 */
export class MessagePrinter {
  private readonly shown = new Map<string, string>();

  /** The text to print, or null when this version of the message is already on screen. */
  text(kind: 'send' | 'edit', messageId: string, reply: Reply): string | null {
    const body = renderPlain(reply, 0, true).text;
    if (kind === 'edit' && this.shown.get(messageId) === body) return null;
    this.shown.set(messageId, body);
    // Old messages scroll away; keep the last few hundred.
    if (this.shown.size > 500) this.shown.delete(this.shown.keys().next().value ?? '');
    return kind === 'edit' ? `(update to message ${messageId})\n${body}` : body;
  }
}

/** Alerts and approval requests printed to the terminal (the demo's notification channel). */
export class ConsoleSink implements ChatSink {
  readonly platform = 'console' as const;
  private next = 1;
  private readonly printer = new MessagePrinter();

  constructor(private readonly output: NodeJS.WritableStream) {}

  async send(chatId: string, reply: Reply): Promise<MessageRef> {
    const messageId = String(this.next++);
    this.output.write(`${this.printer.text('send', messageId, reply)}\n`);
    return { platform: 'console', chatId, messageId };
  }

  async edit(ref: MessageRef, reply: Reply): Promise<void> {
    const out = this.printer.text('edit', ref.messageId, reply);
    if (out !== null) this.output.write(`${out}\n`);
  }
}
