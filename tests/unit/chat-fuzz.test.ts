// Fuzz: 12,000 random command lines (printable noise, unicode, and near-miss commands with random
// arguments) through the tokenizer, registry, argument schemas and role check. Nothing may throw; every
// input ends as a runnable invocation or as a usage / unknown-command / not-allowed / bad-input reply.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../../commands/index.js';
import { parseCallback } from '../../src/chat/core/callback-data.js';
import { Registry } from '../../src/chat/core/registry.js';
import { resolveCommand } from '../../src/chat/core/resolve.js';
import { ROLES, atLeast } from '../../src/chat/core/roles.js';
import { blockPlain } from '../../src/chat/core/text-table.js';
import { parseCommandLine } from '../../src/chat/core/tokenize.js';

const registry = new Registry(COMMANDS);
const names = registry.all().flatMap((c) => [c.name, ...c.aliases]);

const token = fc.oneof(
  fc.constantFrom(
    'BTCUSDT',
    'eth',
    'all',
    'set',
    'add',
    'remove',
    'telegram',
    'slack',
    'admin',
    'trading',
    '@',
    'at',
  ),
  fc.constantFrom(
    '$500',
    '500$',
    '0.01',
    '1e5',
    '-1',
    '0',
    '1,000',
    '.5',
    'NaN',
    'Infinity',
    '#12',
    '99999999999999',
  ),
  fc.stringMatching(/^[0-9.$,#-]{1,12}$/),
  fc.string({ maxLength: 12 }),
  fc.string({ unit: 'grapheme', maxLength: 8 }),
  fc.constantFrom('"quoted words"', '“curly”', "'x", '"', '\\', '\u0000', '\u202e', '🚀'),
);

const commandLine = fc
  .tuple(
    fc.oneof(
      fc.constantFrom(...names),
      fc.string({ maxLength: 10 }),
      fc.constantFrom('confirm', 'sttaus', 'by', 'BUY'),
    ),
    fc.array(token, { maxLength: 6 }),
    fc.boolean(),
  )
  .map(([n, args, slash]) => `${slash ? '/' : ''}${n} ${args.join(' ')}`);

// Each command's own example, sometimes with a random extra word: reaches the role check often.
const example = fc
  .tuple(fc.constantFrom(...registry.all().map((c) => c.example)), fc.option(token, { nil: undefined }))
  .map(([e, extra]) => `/${e}${extra === undefined ? '' : ` ${extra}`}`);

const input = fc.oneof(
  { arbitrary: commandLine, weight: 4 },
  { arbitrary: example, weight: 3 },
  { arbitrary: fc.string({ maxLength: 80 }), weight: 1 },
  { arbitrary: fc.string({ unit: 'binary', maxLength: 40 }), weight: 1 },
);

describe('parser and registry fuzz', () => {
  it('never crashes and always resolves to an invocation or an explanatory reply (12,000 inputs)', () => {
    const seen = { ok: 0, unknown: 0, invalid: 0, denied: 0, bad: 0, empty: 0 };
    fc.assert(
      fc.property(input, fc.constantFrom(...ROLES), (text, role) => {
        const line = parseCommandLine(text);
        if (line.ok === 'empty') {
          seen.empty++;
          return;
        }
        if (!line.ok) {
          seen.bad++;
          expect(line.error.length).toBeGreaterThan(0);
          return;
        }
        const r = resolveCommand(registry, line.line.name, line.line.args, role);
        seen[r.kind]++;
        if (r.kind === 'ok') {
          expect(atLeast(role, r.invocation.role)).toBe(true);
          expect(registry.get(r.invocation.command.name)).toBe(r.invocation.command);
          return;
        }
        const body = r.reply.blocks.map(blockPlain).join('\n');
        if (r.kind === 'invalid') {
          expect(r.reply.title).toMatch(/^Usage: \//);
          expect(body).toMatch(/Example: \//);
        } else if (r.kind === 'unknown') {
          expect(r.reply.title).toBe('Unknown command');
          expect(body).toMatch(/Send \/help/);
        } else {
          expect(r.reply.title).toBe('Not allowed');
          expect(body).toMatch(/needs the \w+ role/);
        }
      }),
      { numRuns: 12_000, seed: 20_241_124 },
    );
    // The generator must actually reach every outcome, or the property proves little.
    for (const k of ['ok', 'unknown', 'invalid', 'denied', 'bad'] as const)
      expect(seen[k]).toBeGreaterThan(50);
  });

  it('never crashes on random button data', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.string({ maxLength: 70 }), fc.stringMatching(/^(ap|cf|pg|rf):[0-9a-z:]{0,20}$/)),
        (data) => {
          const cb = parseCallback(data);
          if (cb?.kind === 'vote') expect(Number.isSafeInteger(cb.approvalId)).toBe(true);
        },
      ),
      { numRuns: 3000 },
    );
  });
});
