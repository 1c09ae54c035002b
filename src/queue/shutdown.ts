// Graceful shutdown: on SIGTERM/SIGINT stop taking jobs, let running ones finish (or be released
// back to the queue by BullMQ's lock expiry), then close everything else in reverse order of opening.
import { logger } from '../platform/logger.js';

type Closer = { name: string; close: () => Promise<unknown> };

export class Shutdown {
  private readonly closers: Closer[] = [];
  private running: Promise<void> | undefined;

  /** Register in opening order; closing runs in reverse. */
  add(name: string, close: () => Promise<unknown>): void {
    this.closers.push({ name, close });
  }

  /** Register something that must close after everything registered so far and later (e.g. cleanup). */
  addLast(name: string, close: () => Promise<unknown>): void {
    this.closers.unshift({ name, close });
  }

  /** Close everything once; later calls get the same promise. */
  run(reason: string, timeoutMs = 20_000): Promise<void> {
    this.running ??= this.closeAll(reason, timeoutMs);
    return this.running;
  }

  private async closeAll(reason: string, timeoutMs: number): Promise<void> {
    logger().info({ reason }, 'shutting down');
    for (const c of [...this.closers].reverse()) {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<'timeout'>((res) => {
        timer = setTimeout(() => res('timeout'), timeoutMs);
      });
      try {
        const r = await Promise.race([c.close().then(() => 'ok' as const), timeout]);
        if (r === 'timeout') logger().warn({ part: c.name }, 'close timed out');
      } catch (e) {
        logger().warn({ part: c.name, err: e instanceof Error ? e.message : String(e) }, 'close failed');
      } finally {
        clearTimeout(timer);
      }
    }
  }

  /** Wire SIGTERM and SIGINT; resolves `onDone` after closing so the caller decides the exit code. */
  onSignals(onDone: (signal: string) => void): void {
    for (const sig of ['SIGTERM', 'SIGINT'] as const) {
      process.once(sig, () => {
        void this.run(sig).then(() => onDone(sig));
      });
    }
  }
}
