// Account metadata clients ask for at start-up: /v5/user/query-api (key permissions, UTA flags) and
// /v5/asset/coin/query-info (coins and chains). ccxt calls both on load.
// https://bybit-exchange.github.io/docs/v5/user/apikey-info, .../v5/asset/coin-info
import type { Account } from './account.js';
import type { Engine } from './engine.js';
import { RET, fail } from './errors.js';
import type { Params } from './params.js';

const COINS = ['USDT', 'USDC', 'BTC', 'ETH'] as const;

export function queryApi(e: Engine, a: Account): Record<string, unknown> {
  const now = new Date(e.deps.now());
  const expires = new Date(now.getTime() + 90 * 86_400_000);
  return {
    id: a.uid,
    note: 'bosun simulator',
    apiKey: a.key,
    readOnly: 0,
    secret: '',
    permissions: {
      ContractTrade: ['Order', 'Position'],
      Spot: ['SpotTrade'],
      Wallet: ['AccountTransfer'],
      Options: [],
      Derivatives: [],
      CopyTrading: [],
      BlockTrade: [],
      Exchange: [],
      NFT: [],
      Affiliate: [],
      Earn: [],
    },
    ips: ['*'],
    type: 1,
    deadlineDay: 90,
    expiredAt: expires.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    createdAt: now.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    unified: 0,
    uta: 1,
    userID: Number(a.uid),
    inviterID: 0,
    vipLevel: 'No VIP',
    mktMakerLevel: '0',
    affiliateID: 0,
    rsaPublicKey: '',
    isMaster: true,
    parentUid: '0',
    kycLevel: 'LEVEL_DEFAULT',
    kycRegion: '',
  };
}

export function coinInfo(p: Params): { rows: Record<string, unknown>[] } {
  const only = p.opt('coin');
  if (only && !(COINS as readonly string[]).includes(only))
    fail(RET.paramError, `params error: coin ${only} is not listed; the simulator has ${COINS.join(', ')}`);
  const rows = COINS.filter((c) => !only || c === only).map((coin) => ({
    name: coin,
    coin,
    remainAmount: '1000000',
    chains: [
      {
        chainType: coin === 'BTC' ? 'BTC' : 'ETH',
        confirmation: '6',
        withdrawFee: coin === 'BTC' ? '0.0001' : coin === 'ETH' ? '0.0005' : '1',
        depositMin: '0',
        withdrawMin: coin === 'BTC' ? '0.0005' : coin === 'ETH' ? '0.002' : '2',
        chain: coin === 'BTC' ? 'BTC' : 'ETH',
        chainDeposit: '1',
        chainWithdraw: '1',
        minAccuracy: coin === 'BTC' || coin === 'ETH' ? '8' : '4',
        withdrawPercentageFee: '0',
        contractAddress: '',
        safeConfirmNumber: '6',
      },
    ],
  }));
  return { rows };
}
