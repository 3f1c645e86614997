/** Bounded contexts talk only through each other's index.ts (`@app/<ctx>`). */
module.exports = {
  forbidden: [
    {
      name: 'no-deep-import-across-contexts',
      severity: 'error',
      comment: 'Import another context through @app/<context> (its src/index.ts), never a file inside it.',
      from: { path: '^libs/([^/]+)/' },
      to: { path: '^libs/([^/]+)/src/(?!index\\.ts$)', pathNot: '^libs/$1/' },
    },
    {
      name: 'apps-use-context-index',
      severity: 'error',
      comment: 'Apps compose contexts through @app/<context>, never a file inside one.',
      from: { path: '^apps/' },
      to: { path: '^libs/[^/]+/src/(?!index\\.ts$)' },
    },
    {
      name: 'domain-is-pure',
      severity: 'error',
      comment: 'domain/ holds pure deciders: no Nest, no database, no queue.',
      from: { path: '^libs/[^/]+/src/domain/' },
      to: { path: '^node_modules/(@nestjs|typeorm|pg|bullmq|ioredis)' },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^dist/|\\.spec\\.ts$)' },
  },
};
