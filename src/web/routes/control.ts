// Strategies (list, pause, resume), trading resume after a kill (admin) and risk limits (read; set for
// admins). Mutations call the TradingServices the chat commands call and are audited with the caller.
import { z } from 'zod';
import { zTarget } from '../../../commands/pause.js';
import { riskOverrides, strategyRows, tradingStateRow } from '../../db/repos/views.js';
import { limitsFromConfig, riskLimitStrings } from '../../risk/limits.js';
import { GUARDED, isoOrNull, zError, type ZApp } from '../app-type.js';
import { auditWeb } from '../auth.js';
import type { WebDeps, WebIdentity } from '../deps.js';

const zStrategy = z.object({
  id: z.string(),
  strategy: z.string(),
  symbol: z.string(),
  category: z.string(),
  interval: z.string(),
  state: z.enum(['running', 'paused', 'off']),
  lastCandleAt: z.string().nullable(),
});

const zChanged = z.object({ changed: z.array(z.string()), message: z.string() });

function who(req: { identity?: WebIdentity }): WebIdentity {
  if (!req.identity) throw new Error('guard did not run');
  return req.identity;
}

export function controlRoutes(app: ZApp, deps: WebDeps): void {
  app.get(
    '/api/v1/strategies',
    {
      config: { access: 'viewer' },
      schema: {
        summary: 'strategy instances and their state (as /strategies)',
        tags: ['strategies'],
        response: { 200: z.object({ strategies: z.array(zStrategy) }), ...GUARDED },
      },
    },
    async () => ({
      strategies: (await strategyRows(deps.db)).map((s) => ({
        id: s.id,
        strategy: s.strategy,
        symbol: s.symbol,
        category: s.category,
        interval: s.interval,
        state: !s.enabled ? ('off' as const) : s.paused ? ('paused' as const) : ('running' as const),
        lastCandleAt: isoOrNull(s.lastCandleTime),
      })),
    }),
  );

  for (const paused of [true, false]) {
    const verb = paused ? 'pause' : 'resume';
    app.post(
      `/api/v1/strategies/:id/${verb}`,
      {
        config: { access: 'trader', mutates: true },
        schema: {
          summary: `${verb} one strategy instance, or "all" (as /${verb} <id>)`,
          tags: ['strategies'],
          params: z.object({ id: zTarget }),
          response: { 200: zChanged, 503: zError, ...GUARDED },
        },
      },
      async (req, reply) => {
        const id = who(req);
        if (!deps.services)
          return reply.code(503).send({ error: 'unavailable', message: 'this process cannot trade' });
        const changed = await deps.services.setStrategyPaused(req.params.id, paused, id.actor);
        await auditWeb(deps, req, {
          action: verb,
          args: { target: req.params.id },
          outcome: 'ok',
          detail: changed.length ? `changed ${changed.join(', ')}` : 'nothing changed',
        });
        return {
          changed,
          message: changed.length
            ? `${paused ? 'Paused' : 'Resumed'} ${changed.join(', ')}`
            : `No ${paused ? 'running' : 'paused'} strategy matched "${req.params.id}"`,
        };
      },
    );
  }

  app.post(
    '/api/v1/trading/resume',
    {
      config: { access: 'admin', mutates: true },
      schema: {
        summary: 'HALTED or REDUCING → ACTIVE after a kill or a breaker (admin, as /resume trading)',
        tags: ['strategies'],
        response: {
          200: z.object({ previous: z.string(), state: z.string() }),
          409: zError,
          503: zError,
          ...GUARDED,
        },
      },
    },
    async (req, reply) => {
      const id = who(req);
      if (!deps.services)
        return reply.code(503).send({ error: 'unavailable', message: 'this process cannot trade' });
      const state = await tradingStateRow(deps.db);
      if (state.state === 'ACTIVE')
        return reply.code(409).send({ error: 'conflict', message: 'trading is already ACTIVE' });
      const r = await deps.services.resumeTrading(id.actor);
      await auditWeb(deps, req, {
        action: 'resume',
        args: { target: 'trading' },
        outcome: 'ok',
        detail: `${r.previous} → ACTIVE`,
      });
      return { previous: r.previous, state: 'ACTIVE' };
    },
  );

  app.get(
    '/api/v1/risk',
    {
      config: { access: 'viewer' },
      schema: {
        summary: 'effective risk limits: bosun.yaml with the overrides set from chat or the API on top',
        tags: ['risk'],
        response: {
          200: z.object({
            limits: z.array(
              z.object({
                key: z.string(),
                value: z.string(),
                configured: z.string(),
                overridden: z.boolean(),
                updatedBy: z.string().nullable(),
              }),
            ),
          }),
          ...GUARDED,
        },
      },
    },
    async () => {
      const overrides = await riskOverrides(deps.db);
      const byKey = new Map(overrides.map((o) => [o.key, o]));
      const configured = riskLimitStrings(limitsFromConfig(deps.config.risk));
      const effective = riskLimitStrings(
        limitsFromConfig(deps.config.risk, Object.fromEntries(overrides.map((o) => [o.key, o.value]))),
      );
      return {
        limits: Object.entries(effective).map(([key, value]) => ({
          key,
          value,
          configured: configured[key as keyof typeof configured],
          overridden: byKey.has(key),
          updatedBy: byKey.get(key)?.updatedBy ?? null,
        })),
      };
    },
  );

  app.put(
    '/api/v1/risk/:key',
    {
      config: { access: 'admin', mutates: true },
      schema: {
        summary: 'override one risk limit (admin, as /risk set <limit> <value>)',
        tags: ['risk'],
        params: z.object({ key: z.string().max(64) }),
        body: z.object({ value: z.union([z.string().max(64), z.number(), z.boolean()]).transform(String) }),
        response: {
          200: z.object({ key: z.string(), previous: z.string(), value: z.string() }),
          400: zError,
          503: zError,
          ...GUARDED,
        },
      },
    },
    async (req, reply) => {
      const id = who(req);
      if (!deps.services)
        return reply.code(503).send({ error: 'unavailable', message: 'this process cannot trade' });
      const r = await deps.services.setRiskLimit(req.params.key, req.body.value, id.actor);
      await auditWeb(deps, req, {
        action: 'risk set',
        args: { key: req.params.key, value: req.body.value },
        outcome: r.ok ? 'ok' : 'invalid',
        detail: r.ok ? `${r.previous} → ${r.value}` : r.message,
      });
      if (!r.ok) return reply.code(400).send({ error: 'invalid', message: r.message });
      return { key: req.params.key, previous: r.previous, value: r.value };
    },
  );
}
