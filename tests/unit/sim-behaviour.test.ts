// The simulator's behaviour switches: flag parsing with messages that name what is accepted, the seeded
// reply/push coin, and `bosun sim --help` documenting every switch.
import { describe, expect, it } from 'vitest';
import { BYBIT_BEHAVIOUR, SIM_HELP, SimBehaviour, parseBehaviourFlag } from '../../src/exchange/sim/index.js';

describe('behaviour switches', () => {
  it('parses KEY=VALUE and names the accepted values on a bad one', () => {
    expect(parseBehaviourFlag('replyOrder=random')).toEqual({ replyOrder: 'random' });
    expect(parseBehaviourFlag('linearFeeCurrency=')).toEqual({ linearFeeCurrency: '' });
    expect(parseBehaviourFlag('depthScale=0.5')).toEqual({ depthScale: '0.5' });
    expect(parseBehaviourFlag('orderSeed=9')).toEqual({ orderSeed: 9 });
    expect(parseBehaviourFlag('replyOrder=sometimes')).toMatch(/"random", "reply-first", "push-first"/);
    expect(parseBehaviourFlag('depthScale=-1')).toMatch(/positive decimal/);
    expect(parseBehaviourFlag('speed=2')).toMatch(/unknown --behave "speed"; accepted: replyOrder/);
  });

  it('random reply order is a seeded coin: the same seed gives the same sequence, both orders occur', () => {
    const seq = (seed: number) => {
      const b = new SimBehaviour({ replyOrder: 'random', orderSeed: seed });
      return Array.from({ length: 40 }, () => b.takeReplyFirst());
    };
    expect(seq(5)).toEqual(seq(5));
    expect(seq(5)).not.toEqual(seq(6));
    expect(seq(5)).toContain(true);
    expect(seq(5)).toContain(false);
    const pinned = new SimBehaviour({ replyOrder: 'reply-first' });
    expect([pinned.takeReplyFirst(), pinned.takeReplyFirst()]).toEqual([true, true]);
  });

  it('bosun sim --help lists every switch and its default first', () => {
    for (const [key, value] of Object.entries(BYBIT_BEHAVIOUR)) {
      const line = SIM_HELP.split('\n').find((l) => l.trim().startsWith(`${key}=`)) ?? '';
      expect(line, key).not.toBe('');
      // Choices list the default first; numbers say "(default N".
      const numeric = typeof value === 'number' || /^\d+(\.\d+)?$/.test(String(value));
      if (numeric) expect(SIM_HELP).toContain(`(default ${String(value)}`);
      else expect(line.trim().startsWith(`${key}=${String(value)}|`), key).toBe(true);
    }
    expect(SIM_HELP).toContain('--behave KEY=VALUE');
  });
});
