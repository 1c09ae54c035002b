// Notifications written to the log: the fallback when no chat platform is configured.
import type { Notification, Notifier } from '../engine/notify.js';
import type { Logger } from '../platform/logger.js';

export class LogNotifier implements Notifier {
  constructor(private readonly log: Logger) {}
  async notify(n: Notification): Promise<void> {
    const { kind, ...rest } = n;
    const fields: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(rest))
      fields[k] = typeof v === 'object' && v !== null && 'toFixed' in v ? String(v) : v;
    this.log.info({ notification: kind, ...fields }, kind);
  }
}
