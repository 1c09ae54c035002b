// /risk: effective risk limits (bosun.yaml plus chat overrides) and how much of each is in use;
// /risk set <limit> <value> (admin) overrides one limit through TradingServices.setRiskLimit.
import { z } from 'zod';
import { defineCommand } from '../src/chat/core/command.js';
import { fmtMoney, fmtSigned } from '../src/chat/core/format.js';
import { servicesMissing } from '../src/chat/core/outcome-view.js';
import { fields, note, text } from '../src/chat/core/reply.js';
import { editDistance } from '../src/chat/core/registry.js';
import { equityDayOpen, latestEquity, openPositions, riskOverrides } from '../src/db/repos/views.js';
import { ZERO } from '../src/domain/decimal.js';
import type { RiskConfig } from '../src/platform/config.js';

export function flattenRisk(r: RiskConfig): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(r)) {
    if (v !== null && typeof v === 'object') {
      for (const [k2, v2] of Object.entries(v as Record<string, unknown>)) out[`${k}.${k2}`] = String(v2);
    } else out[k] = String(v);
  }
  return out;
}

const setArgs = z.tuple([z.literal('set'), z.string().max(64), z.string().max(64)]);
const args = z.union([z.tuple([]), setArgs]);
const DAY_MS = 86_400_000;

export default defineCommand({
  name: 'risk',
  summary: 'risk limits and usage; admins can change them',
  usage: 'risk\nrisk set <limit> <value>',
  example: 'risk set maxLeverage 2',
  args,
  role: (a) => (a.length === 0 ? 'viewer' : 'admin'),
  usageRoles: ['viewer', 'admin'],
  async handler(input, deps) {
    const base = flattenRisk(deps.config.risk);
    if (input.args.length === 3) {
      if (!deps.services) return servicesMissing('risk set');
      const [, rawKey, value] = input.args;
      const key = Object.keys(base).find((k) => k.toLowerCase() === rawKey.toLowerCase());
      if (!key) {
        const near = Object.keys(base).sort((a, b) => editDistance(rawKey, a) - editDistance(rawKey, b))[0];
        return {
          title: 'Unknown limit',
          tone: 'error',
          blocks: [
            text(`"${rawKey}" is not a risk limit. Did you mean ${near}?`),
            note(`Limits: ${Object.keys(base).join(', ')}`),
          ],
        };
      }
      const r = await deps.services.setRiskLimit(key, value, input.actor);
      if (!r.ok) return { title: `Not changed: ${key}`, tone: 'error', blocks: [text(r.message)] };
      return {
        title: `Risk limit changed`,
        tone: 'ok',
        blocks: [fields([[key, `${r.previous} → ${r.value}`]])],
      };
    }
    const now = deps.clock.now();
    const [overrides, pos, eq, eqDay] = await Promise.all([
      riskOverrides(deps.db),
      openPositions(deps.db),
      latestEquity(deps.db),
      equityDayOpen(deps.db, Math.floor(now / DAY_MS) * DAY_MS),
    ]);
    const over = new Map(overrides.map((o) => [o.key, o.value]));
    const gross = pos.reduce((a, p) => a.add(p.size.abs().mul(p.markPrice ?? p.avgEntry)), ZERO);
    const today = eq && eqDay ? eq.equity.sub(eqDay.equity) : null;
    return {
      title: 'Risk',
      blocks: [
        fields(
          Object.entries(base).map(([k, v]): [string, string] => [k, over.has(k) ? `${over.get(k)} *` : v]),
        ),
        fields([
          ['Gross exposure', fmtMoney(gross)],
          ['Leverage', eq && eq.equity.gt(0) ? `${gross.div(eq.equity).toFixed(2)}x` : '—'],
          ['Open positions', String(pos.length)],
          ['PnL today', today ? fmtSigned(today) : '—'],
        ]),
        note(`* set from chat${over.size ? '' : ' (none)'} · admins: /risk set <limit> <value>`),
      ],
    };
  },
});
