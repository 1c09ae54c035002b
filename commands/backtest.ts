// /backtest <strategy> <symbol> <interval> <from> <to> [k=v …]: store a run, queue the run-backtest job (a
// kernel backtest with the bot's rules) and answer "queued" at once; progress and the result (stats +
// chart) arrive in this chat. `/backtest last` and `/backtest #N` show a stored run. Needs the job queue,
// so the composition root builds it with backtestCommand({ enqueue }) through buildGateway's extraCommands.
import { z } from 'zod';
import { failRun, getRun, insertRun, latestDoneRun, type RunRequest } from '../src/backtest/chat-run.js';
import { parsePositiveDecimal, zId, zSymbol } from '../src/chat/core/args.js';
import { backtestLabel, renderBacktestResult, renderBacktestStatus } from '../src/chat/core/alert-view.js';
import { defineCommand, type Command } from '../src/chat/core/command.js';
import { fmtTime } from '../src/chat/core/format.js';
import { errorReply, note, text, type Reply } from '../src/chat/core/reply.js';
import { intervalMs } from '../src/engine/intervals.js';
import { KLINE_INTERVALS } from '../src/exchange/port.js';
import type { PayloadOf } from '../src/queue/payloads.js';
import {
  getStrategy,
  isStrategyName,
  StrategyParamError,
  STRATEGY_NAMES,
  type StrategyName,
} from '../src/strategies/index.js';

/** Queue a job (the runtime's enqueue); the job id makes a repeated enqueue of one run a no-op. */
export type EnqueueBacktest = (
  job: 'run-backtest',
  data: PayloadOf<'run-backtest'>,
  id: string,
) => Promise<void>;

/** Larger runs take minutes of paginated downloads; a longer interval or a shorter range answers sooner. */
export const MAX_BARS = 100_000;
const DAY_MS = 86_400_000;
const ARG_NAMES = ['<strategy>', '<symbol>', '<interval>', '<from>', '<to>'];
/** Run options accepted besides the strategy's own parameters. */
const OPTION_KEYS = ['cash', 'commission'] as const;
const ALIASES: Record<string, string> = { '1h': '60', '2h': '120', '4h': '240', '6h': '360', '12h': '720' };

export interface RunArgs {
  strategy: StrategyName;
  symbol: string;
  interval: string;
  request: Omit<RunRequest, 'replyTo' | 'progress' | 'statusMessage'>;
  bars: number;
}

export type BacktestArgs = { kind: 'last' } | { kind: 'show'; runId: number } | { kind: 'run'; run: RunArgs };

function estimateBars(from: number, to: number, interval: string): number {
  return Math.floor((to - from) / intervalMs(interval, from)) + 1;
}

/** "1", "60", "D" (Bybit's codes), or "1m", "4h", "1d", "1w", "1M" (a month; "1m" is a minute). */
function parseInterval(raw: string): string | null {
  const t = raw.trim();
  if ((KLINE_INTERVALS as readonly string[]).includes(t)) return t;
  if (/^(D|W)$/i.test(t)) return t.toUpperCase();
  const alias = ALIASES[t.toLowerCase()] ?? (/^(\d+)m$/.exec(t)?.[1] || undefined);
  if (alias && (KLINE_INTERVALS as readonly string[]).includes(alias)) return alias;
  if (t === '1M') return 'M';
  if (/^1d$/i.test(t)) return 'D';
  if (/^1w$/i.test(t)) return 'W';
  return null;
}

/** UTC; a bare date as <to> means the end of that day, so "2024-01-01 2024-01-31" is all of January. */
export function parseDate(raw: string, end: boolean): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2}))?(Z|[+-]\d{2}:\d{2})?)?$/.exec(
    raw.trim(),
  );
  if (!m) return null;
  const [, y, mo, d, h, mi, s, zone] = m;
  const day = Date.UTC(Number(y), Number(mo) - 1, Number(d));
  if (new Date(day).toISOString().slice(0, 10) !== `${y}-${mo}-${d}`) return null;
  if (h === undefined) return end ? day + DAY_MS - 1 : day;
  if (Number(h) > 23 || Number(mi) > 59 || Number(s ?? 0) > 59) return null;
  const t = Date.parse(`${y}-${mo}-${d}T${h}:${mi}:${s ?? '00'}${zone ?? 'Z'}`);
  return Number.isFinite(t) ? t : null;
}

function parseOption(key: (typeof OPTION_KEYS)[number], raw: string): string {
  const d = parsePositiveDecimal(raw);
  if (key === 'commission') {
    if (raw.trim() === '0') return '0';
    if (typeof d === 'string' || d.gte('0.1')) {
      throw new Error(`commission is a fraction per fill below 0.1 (0.00055 = 0.055 %), got "${raw}"`);
    }
    return d.toFixed();
  }
  if (typeof d === 'string') throw new Error(`cash: ${d}`);
  return d.toFixed();
}

/** The run form's tokens → a request, or the first problem in words (thrown as Error). */
export function parseRun(tokens: string[]): RunArgs {
  if (tokens.length < ARG_NAMES.length) throw new Error(`missing ${ARG_NAMES[tokens.length] ?? 'argument'}`);
  const [s, sym, iv, f, t, ...rest] = tokens as [string, string, string, string, string, ...string[]];
  const strategy = s.toLowerCase();
  if (!isStrategyName(strategy)) {
    throw new Error(`"${s}" is not a strategy; accepted: ${STRATEGY_NAMES.join(', ')}`);
  }
  const symbol = zSymbol.safeParse(sym);
  if (!symbol.success) throw new Error(symbol.error.issues[0]?.message ?? `"${sym}" is not a symbol`);
  const interval = parseInterval(iv);
  if (!interval)
    throw new Error(`interval "${iv}" is not one of ${KLINE_INTERVALS.join(' ')} (or 1m, 4h, 1d)`);
  const from = parseDate(f, false);
  const to = parseDate(t, true);
  if (from === null) throw new Error(`<from> "${f}" is not a date like 2024-01-31 or 2024-01-31T12:00`);
  if (to === null) throw new Error(`<to> "${t}" is not a date like 2024-03-31 or 2024-03-31T12:00`);
  if (to <= from) throw new Error(`<to> (${t}) must be after <from> (${f})`);
  const bars = estimateBars(from, to, interval);
  if (bars > MAX_BARS) {
    throw new Error(
      `that is about ${bars.toLocaleString('en-US')} bars; at most ${MAX_BARS.toLocaleString('en-US')}: use a longer interval or a shorter range`,
    );
  }
  const raw: Record<string, string> = {};
  const options: { cash?: string; commission?: string } = {};
  for (const kv of rest) {
    const m = /^([A-Za-z][A-Za-z0-9_]*)=(\S+)$/.exec(kv);
    if (!m) throw new Error(`"${kv}" is not a parameter like fast=10`);
    const [, key = '', value = ''] = m;
    if (Object.hasOwn(raw, key) || Object.hasOwn(options, key)) throw new Error(`${key} is given twice`);
    const opt = OPTION_KEYS.find((o) => o === key);
    if (opt) options[opt] = parseOption(opt, value);
    else raw[key] = value;
  }
  let strategyParams: Record<string, number>;
  try {
    strategyParams = { ...getStrategy(strategy).parseParams(raw) };
  } catch (e) {
    if (e instanceof StrategyParamError) throw new Error(e.message, { cause: e });
    throw e;
  }
  return {
    strategy,
    symbol: symbol.data,
    interval,
    bars,
    request: { strategyParams, from, to, category: 'linear', ...options },
  };
}

const argsSchema = z.array(z.string()).transform((tokens, ctx): BacktestArgs => {
  const first = tokens[0]?.toLowerCase();
  if (first === 'last' && tokens.length === 1) return { kind: 'last' };
  if (first !== undefined && /^#?\d+$/.test(first) && tokens.length === 1) {
    const id = zId.safeParse(first);
    if (id.success) return { kind: 'show', runId: id.data };
  }
  try {
    return { kind: 'run', run: parseRun(tokens) };
  } catch (e) {
    ctx.addIssue({ code: 'custom', message: e instanceof Error ? e.message : String(e) });
    return z.NEVER;
  }
});

const EXAMPLE = 'backtest sma-cross BTCUSDT 60 2024-01-01 2024-03-31 fast=10 slow=30';

async function show(run: Awaited<ReturnType<typeof getRun>>, what: string): Promise<Reply> {
  if (!run) return errorReply('No such backtest', `${what}. Start one with /${EXAMPLE}`);
  return run.status === 'done' || run.status === 'failed'
    ? renderBacktestResult(run)
    : renderBacktestStatus(run);
}

export function backtestCommand(opts: { enqueue?: EnqueueBacktest } = {}): Command {
  return defineCommand({
    name: 'backtest',
    summary: 'backtest a strategy on Bybit candles; stats and chart arrive here',
    usage: 'backtest <strategy> <symbol> <interval> <from> <to> [k=v …]\nbacktest last\nbacktest #<run>',
    example: EXAMPLE,
    args: argsSchema,
    role: 'trader',
    async handler(input, deps) {
      const a = input.args;
      if (a.kind === 'last') return show(await latestDoneRun(deps.db), 'No backtest has finished yet');
      if (a.kind === 'show') return show(await getRun(deps.db, a.runId, true), `No backtest #${a.runId}`);
      const enqueue = opts.enqueue;
      if (!enqueue) {
        return errorReply(
          'Backtests unavailable',
          'This process has no job queue, so it cannot run backtests.',
        );
      }
      const { run } = a;
      const now = deps.clock.now();
      if (run.request.from >= now) {
        return errorReply('Nothing to backtest', `<from> ${fmtTime(run.request.from)} UTC is in the future.`);
      }
      const request = { ...run.request, to: Math.min(run.request.to, now) };
      const runId = await insertRun(deps.db, {
        requestedBy: `${input.actor.platform}:${input.actor.userId}`,
        strategy: run.strategy,
        symbol: run.symbol,
        interval: run.interval,
        request: { ...request, replyTo: { platform: input.platform, chatId: input.chatId } },
      });
      try {
        await enqueue('run-backtest', { runId }, `backtest-${runId}`);
      } catch {
        await failRun(deps.db, runId, 'the job queue was unreachable', now);
        return errorReply(
          `Backtest #${runId} not queued`,
          'The job queue is unreachable. Try again shortly.',
        );
      }
      const label = backtestLabel({ ...run, request });
      const bars = estimateBars(request.from, request.to, run.interval);
      return {
        title: `Backtest #${runId} queued`,
        tone: 'ok',
        blocks: [
          text(
            `${label}, ${fmtTime(request.from)} → ${fmtTime(request.to)} UTC (about ${bars.toLocaleString('en-US')} bars).`,
          ),
          note(
            "It runs with the bot's rules (sizing, risk limits, approval policy, Bybit fees). Progress and the result (stats and chart) will be posted in this chat.",
          ),
        ],
      };
    },
  });
}

/** Without a queue it can only show stored runs; wire backtestCommand({ enqueue }) to run them. */
export default backtestCommand();
