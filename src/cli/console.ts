// `bosun console`: the chat commands in a terminal for a running bot, as the local admin. It reaches the
// bot over its Redis (the bot answers each line and pushes fills and alerts as they happen), so it opens
// neither the bot's database — an embedded one is locked to the bot — nor an exchange connection.
import { join } from 'node:path';
import { connectRemoteConsole, MessagePrinter, NoBotError, runConsole } from '../chat/console/index.js';
import type { ConsoleEvent } from '../chat/console/index.js';
import { saveAttachments } from '../chat/core/save-attachments.js';
import type { Env } from '../platform/env.js';
import { ConfigError } from '../platform/errors.js';
import { Redis } from 'ioredis';
import { describeRedisUrl, probeRedis } from '../queue/connection.js';
import { DEFAULT_PREFIX } from '../queue/names.js';
import type { CliIo } from './io.js';
import { redisDownMessage } from './runtime.js';

export const CONSOLE_HELP = `usage: bosun console

The chat commands in a terminal, as the local admin, for a bot started with \`bosun start\`. It reaches
the bot over REDIS_URL (and BOSUN_QUEUE_PREFIX, if the bot has one): each line is answered by the bot,
and fills, alerts and approval requests are printed as they happen. It works with the embedded database
too, since it never opens the database. Type /help; /quit or Ctrl-D leaves. With stdin not a terminal it
reads one command per line and prints the replies.`;

/** An alert, or a new version of a message printed earlier (an approval card after a vote); null: shown. */
async function eventText(e: ConsoleEvent, fileDir: string, printer: MessagePrinter): Promise<string | null> {
  return printer.text(e.kind, e.messageId, await saveAttachments(e.reply, fileDir));
}

export async function runConsoleCommand(io: CliIo, env: Env): Promise<number> {
  const probe = await probeRedis(env.redisUrl);
  if (!probe.ok) throw new ConfigError(redisDownMessage(env.redisUrl, probe.error));
  const fileDir = join(env.dataDir, 'exports');
  // Events are written in arrival order, never in the middle of a reply.
  let printing = Promise.resolve();
  const printer = new MessagePrinter();
  const remote = await connectRemoteConsole({
    connect: () => new Redis(env.redisUrl, { maxRetriesPerRequest: null }),
    prefix: env.queuePrefix ?? DEFAULT_PREFIX,
    where: describeRedisUrl(env.redisUrl),
    onEvent: (e) => {
      printing = printing.then(async () => {
        const out = await eventText(e, fileDir, printer);
        if (out !== null) io.stdout.write(`${out}\n`);
      });
    },
  }).catch((e: unknown) => {
    throw e instanceof NoBotError ? new ConfigError(e.message) : e;
  });
  try {
    await runConsole({
      input: io.stdin,
      output: io.stdout,
      core: remote,
      fileDir,
      banner: `bosun console: connected to the bot on ${describeRedisUrl(env.redisUrl)}. Type /help for commands, /quit to leave.`,
    });
    await printing;
  } finally {
    await remote.close();
  }
  return 0;
}
