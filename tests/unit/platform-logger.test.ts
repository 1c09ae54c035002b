import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/platform/logger.js';

describe('logger redaction', () => {
  it('never writes secret-bearing keys, at any nesting we log', () => {
    let out = '';
    const sink = new Writable({
      write(chunk: Buffer, _enc, cb) {
        out += chunk.toString();
        cb();
      },
    });
    const log = createLogger({ level: 'info', destination: sink });
    log.info({ secret: 'S1-very-secret', apiKey: 'K1-api-key' }, 'top');
    log.info({ err: { requestOptions: { key: 'K2', secret: 'S2-nested' } } }, 'sdk error');
    log.info({ cfg: { slack: { token: 'xoxb-T3' } }, headers: { authorization: 'Bearer T4' } }, 'nested');
    for (const s of ['S1-very-secret', 'K1-api-key', 'S2-nested', 'xoxb-T3', 'Bearer T4'])
      expect(out).not.toContain(s);
    expect(out).toContain('[redacted]');
    expect(out.split('\n').filter(Boolean)).toHaveLength(3);
  });
});
