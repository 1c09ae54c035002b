// Outbound pacing per chat, below the platforms' flood limits: Telegram ~1 msg/s per chat and 20/min per
// group (negative chat ids), Slack ~1 msg/s per channel. Slots are reserved up front, so concurrent
// senders queue behind each other instead of bursting.
import type { Clock } from '../../domain/clock.js';
import type { ChatPlatform } from './reply.js';

export interface PaceRule {
  minGapMs: number;
  window?: { ms: number; max: number };
}

export function paceRule(platform: ChatPlatform, chatId: string): PaceRule {
  switch (platform) {
    case 'telegram':
      return chatId.startsWith('-')
        ? { minGapMs: 1000, window: { ms: 60_000, max: 20 } }
        : { minGapMs: 1000 };
    case 'slack':
      return { minGapMs: 1000 };
    case 'console':
      return { minGapMs: 0 };
  }
}

export type Sleep = (ms: number) => Promise<void>;
export const realSleep: Sleep = (ms) => new Promise((r) => setTimeout(r, ms));

interface Lane {
  next: number;
  slots: number[];
}

export class Pacer {
  private readonly lanes = new Map<string, Lane>();

  constructor(
    private readonly clock: Clock,
    private readonly sleep: Sleep = realSleep,
  ) {}

  /** Reserve the next slot for this chat and wait for it; returns the ms waited. */
  async wait(platform: ChatPlatform, chatId: string): Promise<number> {
    const delay = this.reserve(platform, chatId);
    if (delay > 0) await this.sleep(delay);
    return delay;
  }

  /** Push this chat's next slot back, e.g. after a 429 with retry_after. */
  backoff(platform: ChatPlatform, chatId: string, ms: number): void {
    const lane = this.lane(platform, chatId);
    lane.next = Math.max(lane.next, this.clock.now() + ms);
  }

  reserve(platform: ChatPlatform, chatId: string): number {
    const rule = paceRule(platform, chatId);
    const now = this.clock.now();
    const lane = this.lane(platform, chatId);
    let slot = Math.max(now, lane.next);
    if (rule.window) {
      const { ms, max } = rule.window;
      lane.slots = lane.slots.filter((t) => t > now - ms);
      const inWindow = lane.slots.filter((t) => t > slot - ms);
      if (inWindow.length >= max) slot = Math.max(slot, (inWindow[inWindow.length - max] ?? slot) + ms);
      lane.slots.push(slot);
    }
    lane.next = slot + rule.minGapMs;
    return slot - now;
  }

  private lane(platform: ChatPlatform, chatId: string): Lane {
    const key = `${platform}:${chatId}`;
    let lane = this.lanes.get(key);
    if (!lane) {
      lane = { next: 0, slots: [] };
      this.lanes.set(key, lane);
    }
    return lane;
  }
}
