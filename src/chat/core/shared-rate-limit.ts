// Per-user token buckets kept in Redis, so a flood split across several gateway processes (Slack HTTP
// mode behind a load balancer) empties one bucket, as in one process. Same rules as rate-limit.ts.
import type { Redis } from 'ioredis';
import type { Clock } from '../../domain/clock.js';
import { logger } from '../../platform/logger.js';
import {
  DEFAULT_RATE_LIMIT,
  type ChatRateLimiter,
  type RateDecision,
  type RateLimitOptions,
  type RateVerdict,
} from './rate-limit.js';

// One script so refill, take and the warned flag change together: two processes reading the bucket
// at once would otherwise both spend its last token. Time comes from the caller's injected clock; a
// caller whose clock lags another's gets no refill rather than a negative one.
const TAKE = `
local cap = tonumber(ARGV[1])
local rate = tonumber(ARGV[2])
local now = tonumber(ARGV[3])
local b = redis.call('HMGET', KEYS[1], 'tokens', 'at', 'warned')
local tokens = tonumber(b[1])
local at = tonumber(b[2])
local warned = b[3] == '1'
if tokens == nil or at == nil then tokens = cap; at = now; warned = false end
local elapsed = now - at
if elapsed < 0 then elapsed = 0 end
tokens = math.min(cap, tokens + elapsed / 1000 * rate)
if now > at then at = now end
local decision
if tokens >= 1 then
  tokens = tokens - 1; warned = false; decision = 'allow'
elseif warned then
  decision = 'drop'
else
  warned = true; decision = 'warn'
end
-- %.17g: the fraction survives the round trip exactly, so the bucket counts as the in-memory one does.
redis.call('HSET', KEYS[1], 'tokens', string.format('%.17g', tokens), 'at', string.format('%.17g', at),
  'warned', warned and '1' or '0')
redis.call('PEXPIRE', KEYS[1], ARGV[4])
local retry = 0
if tokens < 1 then retry = math.ceil((1 - tokens) / rate) end
return {decision, retry}
`;

const isDecision = (s: string): s is RateDecision => s === 'allow' || s === 'warn' || s === 'drop';
const WARN_EVERY_MS = 60_000;

export class RedisRateLimiter implements ChatRateLimiter {
  private lastWarnAt = Number.NEGATIVE_INFINITY;

  /**
   * `redis` should fail fast (no offline queue, a command timeout): a chat message waits on it.
   * `prefix` namespaces the keys, like the BullMQ prefix of the same bot.
   */
  constructor(
    private readonly redis: Redis,
    private readonly clock: Clock,
    private readonly prefix: string,
    private readonly opts: RateLimitOptions = DEFAULT_RATE_LIMIT,
  ) {}

  async admit(key: string): Promise<RateVerdict> {
    const idleMs = this.opts.idleMs ?? 15 * 60_000;
    try {
      // EVAL sends the script text each time; at chat rates that is cheaper than tracking EVALSHA misses.
      const out = (await this.redis.eval(
        TAKE,
        1,
        `${this.prefix}:chat-rate:${key}`,
        this.opts.capacity,
        this.opts.refillPerSec,
        this.clock.now(),
        Math.ceil(idleMs),
      )) as [string, number];
      const [decision, retry] = out;
      if (!isDecision(decision)) throw new Error(`unexpected rate-limit answer ${decision}`);
      return { decision, retryAfterSec: Number(retry) };
    } catch (e) {
      // Fail open: with Redis down, locking every operator out of the bot (and out of /kill) is worse
      // than letting a flood through for a while. Logged, at most once a minute.
      const now = this.clock.now();
      if (now - this.lastWarnAt >= WARN_EVERY_MS) {
        this.lastWarnAt = now;
        logger().warn(
          { err: e instanceof Error ? e.message : String(e) },
          'chat rate limit unavailable (Redis); allowing messages unthrottled',
        );
      }
      return { decision: 'allow', retryAfterSec: 0 };
    }
  }
}
