// /health: database, queue and exchange probes with latencies, plus uptime. One line per check, so a
// long detail ("reachable in 12 ms, clock skew -3 ms") wraps on a phone instead of being cut.
import { defineCommand } from '../src/chat/core/command.js';
import { zNone } from '../src/chat/core/args.js';
import { fmtDuration } from '../src/chat/core/format.js';
import { runProbes } from '../src/chat/core/probes.js';
import { note, text } from '../src/chat/core/reply.js';
import { sql } from 'drizzle-orm';

export default defineCommand({
  name: 'health',
  summary: 'database, queue and exchange health',
  usage: 'health',
  example: 'health',
  args: zNone,
  role: 'viewer',
  async handler(_input, deps) {
    const db = {
      name: 'database',
      probe: async () => {
        await deps.db.execute(sql`select 1`);
        return { ok: true, detail: 'ok' };
      },
    };
    const results = await runProbes([db, ...deps.health]);
    const bad = results.filter((r) => !r.ok);
    return {
      title: bad.length ? `Health: ${bad.length} problem${bad.length === 1 ? '' : 's'}` : 'Health: all good',
      tone: bad.length ? 'warn' : 'ok',
      blocks: [
        text(results.map((r) => `${r.ok ? '✓' : '✗'} ${r.name} (${r.ms} ms): ${r.detail}`).join('\n')),
        note(
          `${deps.info.version} · up ${fmtDuration(deps.clock.now() - deps.info.startedAt)} · ${deps.info.mode} on ${deps.info.exchangeEnv}`,
        ),
      ],
    };
  },
});
