// The simulator's behaviour switches: each models one thing real Bybit does, with the older, simpler behaviour
// kept behind the switch for tests that pin it. Set at start (`behaviour` option, `bosun sim --behave k=v`) or
// while running (`sim.behaviour.set({...})`); `bosun sim --help` lists them (BEHAVIOUR_HELP).
import { makeRng, type Rng } from './random.js';

export const REPLY_ORDERS = ['random', 'reply-first', 'push-first'] as const;
export type ReplyOrder = (typeof REPLY_ORDERS)[number];

export interface BehaviourSettings {
  /**
   * Which leaves first after an order request: the REST reply or the private WS frames it caused. On Bybit the
   * reply usually wins; `random` flips a seeded coin per request.
   */
  replyOrder: ReplyOrder;
  /** Seed of the reply/push coin. */
  orderSeed: number;
  /** How long frames wait behind a reply that goes first (ms). */
  pushLagMs: number;
  /** `book`: takers eat the synthetic book level by level up to the protection price; `top`: any size at the best price. */
  liquidity: 'book' | 'top';
  /** Multiplies every synthetic book level's size (a decimal string; "0.01" makes a thin book). */
  depthScale: string;
  /**
   * riskParameters.priceLimitRatioX of every instrument (a fraction, "0.01" = 1%): the max-buy / min-sell band
   * around the index that caps market orders (their protection price) and spot limit prices.
   */
  priceLimitRatio: string;
  /** `reject`: spot limit prices past the max-buy / min-sell band are refused (170193 / 170194); `off`: accepted. */
  spotPriceBand: 'reject' | 'off';
  /** `reject`: a conditional order already past its trigger is refused (110092 / 110093); `fire`: it triggers at once. */
  triggerCheck: 'reject' | 'fire';
  /** Fee currency on linear executions: `""` as real Bybit sends it, or `settle` (the coin, "USDT"). */
  linearFeeCurrency: '' | 'settle';
  /** How unset TP/SL/trigger prices print on orders and positions: `""` (Bybit) or `0`. */
  unsetPrice: '' | '0';
  /** `""`: wallet coins' availableToWithdraw is empty, as on unified accounts; `amount`: the free balance. */
  availableToWithdraw: '' | 'amount';
  /** `7d`: order-history / execution queries span at most 7 days (default window the last 7); `off`: unlimited. */
  historyWindow: '7d' | 'off';
  /** `now`: a replayed file's bars are moved so the replay starts at the server's current time; `file`: file times. */
  replayTimes: 'now' | 'file';
}

export type BehaviourPatch = Partial<BehaviourSettings>;

export const BYBIT_BEHAVIOUR: Readonly<BehaviourSettings> = Object.freeze({
  // Random by default: the engine's integration, e2e and chaos tests pass with both orders (issue 20).
  replyOrder: 'random',
  orderSeed: 1,
  pushLagMs: 3,
  liquidity: 'book',
  depthScale: '1',
  priceLimitRatio: '0.01',
  spotPriceBand: 'reject',
  triggerCheck: 'reject',
  linearFeeCurrency: '',
  unsetPrice: '',
  availableToWithdraw: '',
  historyWindow: '7d',
  // Bybit's bars are recent. A file's own times (2022) next to the server's clock made data look years
  // ahead to a bot on the replay's clock; the risk check now refuses that, so 'file' is for kline sources.
  replayTimes: 'now',
});

const CHOICES: { [K in keyof BehaviourSettings]: readonly string[] | 'int' | 'decimal' } = {
  replyOrder: REPLY_ORDERS,
  orderSeed: 'int',
  pushLagMs: 'int',
  liquidity: ['book', 'top'],
  depthScale: 'decimal',
  priceLimitRatio: 'decimal',
  spotPriceBand: ['reject', 'off'],
  triggerCheck: ['reject', 'fire'],
  linearFeeCurrency: ['', 'settle'],
  unsetPrice: ['', '0'],
  availableToWithdraw: ['', 'amount'],
  historyWindow: ['7d', 'off'],
  replayTimes: ['now', 'file'],
};

export const BEHAVIOUR_HELP = `behaviour switches (--behave KEY=VALUE, repeatable; first value is the default):
  replyOrder=random|reply-first|push-first   REST reply vs private WS frames of the same request (random: seeded)
  orderSeed=N                                seed of the random reply/push order (default 1)
  pushLagMs=N                                delay of frames behind a reply sent first (default 3)
  liquidity=book|top                         takers walk the book to the protection price | any size at best
  depthScale=D                               multiply every book level's size (default 1)
  priceLimitRatio=D                          price-limit band X around the index; market orders' protection
                                             price and the spot max-buy/min-sell (default 0.01 = 1%)
  spotPriceBand=reject|off                   spot limits past max-buy/min-sell: 170193/170194 | accepted
  triggerCheck=reject|fire                   conditional already past its trigger: 110092/110093 | fires at once
  linearFeeCurrency=|settle                  linear execution feeCurrency "" (as Bybit) | "USDT"
  unsetPrice=|0                              unset TP/SL/trigger print "" (as Bybit) | "0"
  availableToWithdraw=|amount                wallet coin availableToWithdraw "" (unified) | the free amount
  historyWindow=7d|off                       order-history/execution windows of at most 7 days | unlimited
  replayTimes=now|file                       --data bars are moved so the replay starts now (market data is
                                             stamped with the later of the server clock and the replay's
                                             time, so a replay run faster than real time carries its own)
                                             | bars keep the file's times (a source of historical klines)`;

/** Parse one `--behave KEY=VALUE`; returns a patch or a message naming what is accepted. */
export function parseBehaviourFlag(flag: string): BehaviourPatch | string {
  const eq = flag.indexOf('=');
  const key = (eq < 0 ? flag : flag.slice(0, eq)).trim();
  const value = eq < 0 ? '' : flag.slice(eq + 1).trim();
  if (!(key in CHOICES)) {
    return `unknown --behave "${key}"; accepted: ${Object.keys(CHOICES).join(', ')}`;
  }
  const k = key as keyof BehaviourSettings;
  const spec = CHOICES[k];
  if (spec === 'int') {
    if (!/^\d+$/.test(value)) return `--behave ${k} needs a whole number >= 0, got "${value}"`;
    return { [k]: Number(value) };
  }
  if (spec === 'decimal') {
    if (!/^\d+(\.\d+)?$/.test(value) || Number(value) <= 0)
      return `--behave ${k} needs a positive decimal, got "${value}"`;
    return { [k]: value };
  }
  if (!spec.includes(value)) {
    return `--behave ${k}="${value}" is not accepted; use one of ${spec.map((s) => `"${s}"`).join(', ')}`;
  }
  return { [k]: value };
}

export class SimBehaviour {
  private s: BehaviourSettings;
  private rng: Rng;

  constructor(patch: BehaviourPatch = {}) {
    this.s = { ...BYBIT_BEHAVIOUR, ...patch };
    this.rng = makeRng(this.s.orderSeed);
  }

  get settings(): Readonly<BehaviourSettings> {
    return this.s;
  }

  set(patch: BehaviourPatch): void {
    this.s = { ...this.s, ...patch };
    if (patch.orderSeed !== undefined) this.rng = makeRng(patch.orderSeed);
  }

  /** @internal one decision per order request: does the reply leave before the frames? */
  takeReplyFirst(): boolean {
    if (this.s.replyOrder === 'reply-first') return true;
    if (this.s.replyOrder === 'push-first') return false;
    return this.rng() < 0.5;
  }
}
