// Import direction (STYLE.md): domain ← risk/portfolio/strategies ← engine/backtest ← jobs/commands;
// adapters (exchange/*, chat/*) at the edge; only the composition root (src/cli) wires concrete adapters.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'domain-is-pure',
      comment: 'src/domain imports nothing but itself and decimal.js',
      severity: 'error',
      from: { path: '^src/domain/' },
      to: { pathNot: ['^src/domain/', 'decimal\\.js'] },
    },
    {
      name: 'pure-core-no-io',
      comment: 'risk, portfolio and strategies are pure: no db, queue, exchange, chat, platform I/O',
      severity: 'error',
      from: { path: '^src/(risk|portfolio|strategies)/' },
      to: {
        path: ['^src/(db|queue|exchange|chat|engine|backtest|cli|platform)/', '^(jobs|commands)/'],
        pathNot: ['^src/platform/errors\\.ts$'],
      },
    },
    {
      name: 'kernel-is-pure',
      comment: 'the kernel decides for live and backtest alike: no db, queue, exchange, chat, platform I/O',
      severity: 'error',
      from: { path: '^src/(kernel|sdk)/' },
      to: {
        path: ['^src/(db|queue|exchange|chat|engine|backtest|cli|platform|web)/', '^(jobs|commands)/'],
        pathNot: ['^src/platform/errors\\.ts$'],
      },
    },
    {
      name: 'sdk-is-the-bottom',
      comment: 'the strategy SDK is what user files see: it rests on the domain only',
      severity: 'error',
      from: { path: '^src/sdk/' },
      to: { path: ['^src/(kernel|risk|portfolio|strategies)/'] },
    },
    {
      name: 'pure-core-no-node-io',
      severity: 'error',
      from: { path: '^src/(domain|risk|portfolio|strategies|kernel|sdk)/' },
      to: {
        dependencyTypes: ['core'],
        path: '^(fs|net|http|https|child_process|dgram|tls|node:fs|node:net|node:http|node:https|node:child_process)$',
      },
    },
    {
      name: 'engine-not-up',
      comment: 'engine and backtest do not reach up into jobs, commands, chat or the CLI',
      severity: 'error',
      from: { path: '^src/(engine|backtest)/' },
      to: { path: ['^(jobs|commands)/', '^src/(chat|cli)/'] },
    },
    {
      name: 'engine-uses-the-port',
      comment: 'the engine talks to exchanges through src/exchange/port.ts only',
      severity: 'error',
      from: { path: '^src/(engine|risk|portfolio|strategies|domain|kernel|sdk)/' },
      to: { path: '^src/exchange/(bybit|sim)/' },
    },
    {
      name: 'commands-are-platform-neutral',
      severity: 'error',
      from: { path: '^commands/' },
      to: { path: ['^src/chat/(telegram|slack|console)/', 'node_modules/(telegraf|@slack)'] },
    },
    {
      name: 'adapters-do-not-import-each-other',
      severity: 'error',
      from: { path: '^src/chat/(telegram|slack|console)/' },
      to: { path: '^src/chat/(telegram|slack|console)/', pathNot: '^src/chat/$1/' },
    },
    {
      name: 'only-cli-wires-adapters',
      severity: 'error',
      from: { pathNot: ['^src/(cli|exchange|chat)/', '^tests/', '^bench/'] },
      to: { path: ['^src/exchange/(bybit|sim)/', '^src/chat/(telegram|slack|console)/'] },
    },
    {
      name: 'no-circular',
      comment: 'runtime import cycles; type-only imports (erased at compile time) may point back',
      severity: 'error',
      from: {},
      to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js'] },
  },
};
