// ioredis connections for BullMQ. Workers need maxRetriesPerRequest: null (BullMQ blocks on commands);
// producers fail fast so a chat command answers "Redis is down" instead of hanging.
import { Redis, type RedisOptions } from 'ioredis';

export type RedisRole = 'worker' | 'producer';

export function redisOptions(role: RedisRole): RedisOptions {
  return role === 'worker'
    ? { maxRetriesPerRequest: null, enableReadyCheck: true }
    : { maxRetriesPerRequest: 2, enableOfflineQueue: false, connectTimeout: 3000 };
}

export function createRedis(url: string, role: RedisRole, extra: RedisOptions = {}): Redis {
  return new Redis(url, { ...redisOptions(role), lazyConnect: false, ...extra });
}

/** Describe a Redis URL without its password, for logs and `doctor`. */
export function describeRedisUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.hostname}:${u.port || '6379'}${u.pathname === '/' ? '' : u.pathname}`;
  } catch {
    return '(unparseable Redis URL)';
  }
}

/**
 * One-shot reachability probe: connects, PINGs, and reads what BullMQ cares about.
 * Never retries: callers want a yes/no within `timeoutMs`.
 */
export async function probeRedis(
  url: string,
  timeoutMs = 2000,
): Promise<{ ok: true; version: string; evictionPolicy: string } | { ok: false; error: string }> {
  const r = new Redis(url, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    connectTimeout: timeoutMs,
    enableOfflineQueue: false,
    retryStrategy: () => null,
  });
  // ioredis reports a refused connection as "Connection is closed."; keep the socket's own reason.
  let socketError: string | undefined;
  r.on('error', (e: Error & { code?: string }) => {
    socketError ??= e.code === 'ECONNREFUSED' ? 'connection refused' : e.message;
  });
  try {
    await r.connect();
    await r.ping();
    const info = await r.info('server');
    const version = /redis_version:(\S+)/.exec(info)?.[1] ?? 'unknown';
    const policy = (await r.config('GET', 'maxmemory-policy')) as string[];
    return { ok: true, version, evictionPolicy: policy[1] ?? 'unknown' };
  } catch (e) {
    return { ok: false, error: socketError ?? (e instanceof Error ? e.message : String(e)) };
  } finally {
    r.disconnect();
  }
}
