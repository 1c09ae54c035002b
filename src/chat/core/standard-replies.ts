// The replies the gateway itself gives: refusals, usage, unknown command, slow down, confirmations.
import { confirmButtons } from './callback-data.js';
import type { Command } from './command.js';
import { fmtDuration } from './format.js';
import { deniedReply, note, text, type ChatPlatform, type Reply } from './reply.js';
import type { Role } from './roles.js';

export function notAllowedReply(platform: ChatPlatform, userId: string): Reply {
  return deniedReply(
    'Not authorised',
    `This bot only answers people on its allow-list. An admin can add you with:\n` +
      `bosun users add --platform ${platform} --id ${userId} --role viewer`,
  );
}

export function usageReply(cmd: Command, problem: string): Reply {
  const forms = cmd.usage
    .split('\n')
    .map((u) => `/${u}`)
    .join('\n');
  return {
    title: `Usage: /${cmd.name}`,
    tone: 'error',
    private: true,
    blocks: [text(`${problem}.`), text(forms), note(`Example: /${cmd.example}`)],
  };
}

export function unknownReply(name: string, suggestion: string | undefined): Reply {
  const hint = suggestion ? `Did you mean /${suggestion}? ` : '';
  return {
    title: 'Unknown command',
    tone: 'error',
    private: true,
    blocks: [text(`/${name.slice(0, 40)} is not a command. ${hint}Send /help for the list.`)],
  };
}

export function needsRoleReply(name: string, need: Role, have: Role): Reply {
  return deniedReply('Not allowed', `/${name} needs the ${need} role; you are ${have}.`);
}

export function slowDownReply(retryAfterSec: number): Reply {
  return {
    title: 'Slow down',
    tone: 'warn',
    private: true,
    blocks: [
      text(
        `Too many requests. Try again in ${Math.max(1, retryAfterSec)}s; messages until then are ignored.`,
      ),
    ],
  };
}

export function badInputReply(problem: string): Reply {
  return { title: 'Could not read that', tone: 'error', private: true, blocks: [text(`${problem}.`)] };
}

export function confirmPromptReply(prompt: string, code: string, ttlMs: number): Reply {
  return {
    title: 'Confirm',
    tone: 'warn',
    blocks: [text(prompt), note(`Press Confirm, or type /confirm ${code} within ${fmtDuration(ttlMs)}.`)],
    buttons: [confirmButtons(code)],
  };
}

export function confirmProblemReply(kind: 'expired' | 'not-yours' | 'unknown'): Reply {
  const msg = {
    expired: 'That confirmation expired. Send the command again.',
    'not-yours': 'Only the person who asked can confirm this.',
    unknown: 'No such confirmation (it may have been used already).',
  }[kind];
  return { title: 'Not confirmed', tone: 'error', private: kind === 'not-yours', blocks: [text(msg)] };
}

export function crashedReply(name: string): Reply {
  return {
    title: 'Something went wrong',
    tone: 'error',
    blocks: [text(`/${name} failed unexpectedly; the error was logged. Check /status before retrying.`)],
  };
}

export function unavailableReply(): Reply {
  return {
    title: 'Unavailable',
    tone: 'error',
    private: true,
    blocks: [text('bosun cannot answer right now (its database may be unreachable). Try again shortly.')],
  };
}
