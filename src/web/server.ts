// The web layer as one Fastify app: cookies, the OpenAPI document, per-identity rate limits, the guard
// (deny by default, roles as in chat, CSRF), security headers, then the API routes and the dashboard.
import cookie from '@fastify/cookie';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import Fastify, { type FastifyError } from 'fastify';
import {
  hasZodFastifySchemaValidationErrors,
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import type { ZApp } from './app-type.js';
import { guard, SESSION_COOKIE } from './auth.js';
import { dashboardRoutes } from './dashboard.js';
import type { WebDeps } from './deps.js';
import { accountRoutes } from './routes/account.js';
import { approvalRoutes } from './routes/approvals.js';
import { auditRoutes } from './routes/audit.js';
import { backtestRoutes } from './routes/backtests.js';
import { controlRoutes } from './routes/control.js';
import { ChangeFeed, eventRoutes } from './routes/events.js';
import { sessionRoutes } from './routes/session.js';

// Scripts only from this origin; inline styles are allowed because the charting library sets them.
const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; " +
  "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

function problemOf(err: FastifyError): string {
  if (hasZodFastifySchemaValidationErrors(err)) {
    return err.validation
      .slice(0, 3)
      .map((v) => {
        const where = (v.instancePath || '').replace(/^\//, '').replace(/\//g, '.');
        return `${err.validationContext ?? 'request'}${where ? `.${where}` : ''}: ${v.message ?? 'invalid'}`;
      })
      .join('; ');
  }
  return err.message;
}

export interface WebApp {
  app: ZApp;
  feed: ChangeFeed;
}

export async function buildWebApp(deps: WebDeps): Promise<WebApp> {
  const app = Fastify({
    logger: false,
    trustProxy: deps.settings.trustProxy,
    bodyLimit: 64 * 1024,
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);

  await app.register(cookie);
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'bosun API',
        version: deps.info.version,
        description:
          'The REST API beside chat: the same roles (viewer < trader < approver < admin), the same ' +
          'services and the same audit log. Money and prices are exact decimal strings.',
      },
      components: {
        securitySchemes: {
          token: { type: 'http', scheme: 'bearer', description: 'an API token from `bosun tokens create`' },
          session: { type: 'apiKey', in: 'cookie', name: SESSION_COOKIE },
        },
      },
      security: [{ token: [] }, { session: [] }],
    },
    transform: jsonSchemaTransform,
  });
  await app.register(rateLimit, {
    global: true,
    hook: 'preHandler',
    max: deps.settings.rateLimitPerMinute,
    timeWindow: 60_000,
    keyGenerator: (req) => req.identity?.label ?? `ip:${req.ip}`,
    skipOnError: true,
    ...(deps.redis ? { redis: deps.redis.connection, nameSpace: `${deps.redis.prefix}:web-rate:` } : {}),
    errorResponseBuilder: (_req, ctx) => ({
      statusCode: 429,
      error: 'rate-limited',
      message: `more than ${ctx.max} requests a minute from this identity; retry in ${ctx.after}`,
    }),
  });

  app.addHook('onRequest', guard(deps));
  app.addHook('onSend', async (req, reply, payload) => {
    void reply.header('x-content-type-options', 'nosniff');
    // A login link sits in the URL of its page: it must never leave in a Referer header.
    void reply.header('referrer-policy', 'no-referrer');
    void reply.header('x-frame-options', 'DENY');
    void reply.header('content-security-policy', CSP);
    if (req.url.startsWith('/api/') && !reply.hasHeader('cache-control'))
      void reply.header('cache-control', 'no-store');
    return payload;
  });
  app.setErrorHandler((err: FastifyError, req, reply) => {
    const status = err.statusCode ?? 500;
    if (status === 429) return reply.code(429).send({ error: 'rate-limited', message: err.message });
    if (status >= 400 && status < 500) {
      return reply.code(status).send({ error: 'invalid', message: problemOf(err) });
    }
    // Never the error itself in a response: it may carry SDK internals.
    deps.log.error({ path: req.routeOptions.url, err: err.message }, 'web request failed');
    return reply
      .code(500)
      .send({ error: 'internal', message: 'internal error (the details are in the log)' });
  });
  app.setNotFoundHandler((req, reply) =>
    reply
      .code(404)
      .send({ error: 'not-found', message: `no such route: ${req.method} ${req.url.split('?')[0]}` }),
  );

  const feed = new ChangeFeed(deps);
  app.get('/api/v1/openapi.json', { config: { access: 'public' }, schema: { hide: true } }, async () =>
    app.swagger(),
  );
  sessionRoutes(app, deps);
  accountRoutes(app, deps);
  controlRoutes(app, deps);
  approvalRoutes(app, deps);
  backtestRoutes(app, deps);
  auditRoutes(app, deps);
  eventRoutes(app, feed);
  await dashboardRoutes(app);
  app.addHook('onClose', async () => feed.stop());
  await app.ready();
  return { app, feed };
}
