// Runs the injected health probes in parallel, each bounded by a timeout, never throwing.
import type { HealthProbe } from './command.js';

export interface ProbeResult {
  name: string;
  ok: boolean;
  detail: string;
  ms: number;
}

export async function runProbes(probes: readonly HealthProbe[], timeoutMs = 1500): Promise<ProbeResult[]> {
  return Promise.all(
    probes.map(async (p) => {
      const t0 = Date.now();
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<{ ok: boolean; detail: string }>((r) => {
        timer = setTimeout(() => r({ ok: false, detail: `no answer in ${timeoutMs} ms` }), timeoutMs);
      });
      try {
        const r = await Promise.race([p.probe(), timeout]);
        return { name: p.name, ok: r.ok, detail: r.detail, ms: Date.now() - t0 };
      } catch (e) {
        // Probe errors may wrap SDK errors that embed credentials: show only that it failed.
        return {
          name: p.name,
          ok: false,
          detail: `probe failed (${e instanceof Error ? e.name : 'error'})`,
          ms: Date.now() - t0,
        };
      } finally {
        clearTimeout(timer);
      }
    }),
  );
}
