// The Fastify instance type every route module registers on: zod schemas for input and output.
import type {
  FastifyBaseLogger,
  FastifyInstance,
  RawReplyDefaultExpression,
  RawRequestDefaultExpression,
  RawServerDefault,
} from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Decimal } from '../domain/decimal.js';

export type ZApp = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  ZodTypeProvider
>;

/** Money, prices and quantities on the wire: exact decimal strings, as in the CLI's JSON. */
export const zMoney = z.string().describe('exact decimal string');
export const zTime = z.string().describe('ISO 8601 time, UTC');

export const zError = z.object({ error: z.string(), message: z.string() });
/** The refusals every guarded route may answer with. */
export const GUARDED = { 401: zError, 403: zError, 429: zError } as const;

export const dec = (d: Decimal): string => d.toFixed();
export const decOrNull = (d: Decimal | null | undefined): string | null => (d ? d.toFixed() : null);
export const iso = (t: Date | number): string => new Date(t).toISOString();
export const isoOrNull = (t: Date | number | null | undefined): string | null =>
  t === null || t === undefined ? null : new Date(t).toISOString();
