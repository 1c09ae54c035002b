// Slack Web API failures mapped by consequence: rate limited (retryAfter), permanent (channel gone,
// not in channel, bad auth), or transient (network, 5xx).
import { webApi } from '@slack/bolt';
import { SinkError } from '../core/sink.js';

const PERMANENT = new Set([
  'channel_not_found',
  'not_in_channel',
  'is_archived',
  'invalid_auth',
  'account_inactive',
  'token_revoked',
  'missing_scope',
  'user_not_found',
  'cant_update_message',
  'message_not_found',
]);

function field(e: object, key: string): unknown {
  return (e as Record<string, unknown>)[key];
}

export function toSinkError(e: unknown): SinkError {
  if (e instanceof SinkError) return e;
  if (e instanceof Error && 'code' in e) {
    const code = field(e, 'code');
    if (code === webApi.ErrorCode.RateLimitedError) {
      const after = Number(field(e, 'retryAfter') ?? 1);
      return new SinkError('slack rate limited', { retryAfterMs: after * 1000 });
    }
    if (code === webApi.ErrorCode.PlatformError) {
      const data = field(e, 'data');
      const err = data && typeof data === 'object' ? String(field(data, 'error') ?? 'unknown') : 'unknown';
      return new SinkError(`slack rejected the call: ${err}`, { permanent: PERMANENT.has(err) });
    }
    if (code === webApi.ErrorCode.HTTPError) {
      const status = Number(field(e, 'statusCode') ?? 0);
      return new SinkError(`slack answered HTTP ${status}`, {
        permanent: status >= 400 && status < 500 && status !== 429,
      });
    }
  }
  // Request errors can quote the request; keep only the kind.
  return new SinkError(`slack unreachable (${e instanceof Error ? e.name : 'error'})`);
}
