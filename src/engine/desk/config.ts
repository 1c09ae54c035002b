// bosun.yaml as the kernel reads it: instances with their SDK definitions (built-in or user file), sizing,
// leverage, risk limits with the operator's stored overrides, and the approval policy.
import { dirname } from 'node:path';
import { Decimal } from '../../domain/decimal.js';
import type { Instrument } from '../../domain/instrument.js';
import { approvalRoute } from '../../kernel/approval-policy.js';
import type { InstanceConfig, KernelConfig } from '../../kernel/types.js';
import type { BosunConfig } from '../../platform/config.js';
import { limitsFromConfig } from '../../risk/limits.js';
import { sizingFromConfig, type SizingConfigInput } from '../../risk/sizing.js';
import { getDefinition, resolveStrategy } from '../../strategies/registry.js';

export interface DeskConfigInput {
  readonly config: BosunConfig;
  /** Where bosun.yaml was read from: user strategy files resolve against its folder. */
  readonly configSource?: string;
  readonly instruments: readonly Instrument[];
  /** risk_settings: the operator's `/risk set` overrides. */
  readonly riskOverrides?: Readonly<Record<string, string>>;
  readonly quoteCoin?: string;
}

export interface DeskInstanceProblem {
  readonly id: string;
  readonly message: string;
}

/**
 * The kernel's configuration. An instance whose strategy file does not load is left out and named in
 * `problems`: one broken user file never stops the other instances.
 */
export async function deskConfig(
  i: DeskConfigInput,
): Promise<{ kernel: KernelConfig; problems: DeskInstanceProblem[] }> {
  const base = i.configSource && i.configSource.endsWith('.yaml') ? dirname(i.configSource) : process.cwd();
  const problems: DeskInstanceProblem[] = [];
  const instances: InstanceConfig[] = [];
  for (const s of i.config.strategies) {
    try {
      await resolveStrategy(s.strategy, base);
      instances.push({
        id: s.id,
        definition: getDefinition(s.strategy),
        params: s.params,
        category: s.category,
        symbol: s.symbol,
        interval: s.interval,
        sizing: sizingFromConfig(s.sizing as SizingConfigInput),
        ...(s.leverage ? { leverage: new Decimal(s.leverage) } : {}),
        enabled: s.enabled,
      });
    } catch (e) {
      problems.push({ id: s.id, message: e instanceof Error ? e.message : String(e) });
    }
  }
  const approvals = i.config.approvals;
  return {
    kernel: {
      instances,
      instruments: i.instruments,
      limits: limitsFromConfig(i.config.risk, i.riskOverrides ?? {}),
      approvals: (notional, reduces) => approvalRoute(approvals, notional, reduces),
      approvalTtlMs: approvals.ttlSeconds * 1000,
      quoteCoin: i.quoteCoin ?? 'USDT',
      startingCash: new Decimal(0),
      journal: true,
    },
    problems,
  };
}
