// Real Redis for tests, with a unique BullMQ prefix per file so parallel files never share keys.
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';

export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

export function testPrefix(name: string): string {
  return `bt-${name}-${randomBytes(4).toString('hex')}`;
}

/** Delete every key under a prefix (end of a test file). */
export async function dropPrefix(prefix: string): Promise<void> {
  const r = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: 1 });
  try {
    let cursor = '0';
    do {
      const [next, keys] = await r.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
      cursor = next;
      if (keys.length) await r.del(...keys);
    } while (cursor !== '0');
  } finally {
    r.disconnect();
  }
}
