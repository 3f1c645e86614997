/**
 * The module boundaries `npm run lint` enforces. Paths are relative to the repository root; rules
 * that name "$1" reuse the context captured by their `from.path`, so they only ever capture the
 * context name (every other group is non-capturing: dependency-cruiser numbers matched groups only).
 * test/integration/lint/boundary-rules.test.ts breaks each rule on purpose to prove it still bites.
 */

/** Libraries that are not bounded contexts; any other folder under libs/ is one. */
const INFRASTRUCTURE_LIBS = 'shared|eventstore|kernel';
const CONTEXT = `(?!(?:${INFRASTRUCTURE_LIBS})/)[^/]+`;
/** Co-located unit tests: like test/, they may import whatever they exercise (cycles still count). */
const UNIT_TEST = '\\.spec\\.ts$';
/** What a file outside a library may import of it: the public index, or a context's events-only entry. */
const PUBLIC_ENTRY = `^libs/[^/]+/src/index\\.ts$|^libs/${CONTEXT}/src/events\\.ts$`;

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment:
        'A cycle makes load order decide whether a binding is still undefined when it is used (ESM), and ' +
        'ties modules so that neither can change or be tested alone. Applies everywhere: apps, libs, test, migrations.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      comment:
        'Every other rule matches resolved file paths: an import the cruiser cannot resolve (a missing file, ' +
        'an alias absent from tsconfig.json) would slip past them all unseen.',
      from: {},
      to: { couldNotResolve: true },
    },
    {
      name: 'domain-imports-only-kernel-domain-events',
      severity: 'error',
      comment:
        'domain/ is pure decision code, replayable and testable without a process around it: it may import ' +
        'the kernel (@app/kernel), its own domain/ files and other contexts\' events-only entry points ' +
        '(@app/<context>/events), nothing else. No npm package (that is how Nest, TypeORM, pg, BullMQ or ioredis ' +
        'would come in, directly or through @app/shared, @app/eventstore or a context\'s index.ts) and no node: ' +
        'built-in either: a decider is handed ids, clocks and digests in its command rather than reaching for ' +
        'node:crypto or the file system, which keeps it deterministic. Its own application/, infrastructure/ ' +
        'and api/ are the business of domain-not-to-outer-layers.',
      from: { path: `^libs/(${CONTEXT})/src/domain/`, pathNot: UNIT_TEST },
      to: {
        pathNot: [
          '^libs/kernel/',
          '^libs/$1/src/domain/',
          `^libs/(?!$1/)${CONTEXT}/src/events\\.ts$`,
          '^libs/$1/src/(?:application|infrastructure|api)/',
        ],
      },
    },
    {
      name: 'domain-not-to-outer-layers',
      severity: 'error',
      comment:
        'Dependencies point inward: application/ drives domain/, infrastructure/ and api/ adapt it. A domain ' +
        'file reaching out to its own outer layers would drag their frameworks in and close a loop.',
      from: { path: `^libs/(${CONTEXT})/src/domain/`, pathNot: UNIT_TEST },
      to: { path: '^libs/$1/src/(?:application|infrastructure|api)/' },
    },
    {
      name: 'kernel-is-self-contained',
      severity: 'error',
      comment:
        'The kernel is what every domain/ and events.ts may import, so it must itself import nothing outside ' +
        'libs/kernel: no other library, no npm package, no node: built-in. Otherwise purity leaks in through it.',
      from: { path: '^libs/kernel/', pathNot: UNIT_TEST },
      to: { pathNot: '^libs/kernel/' },
    },
    {
      name: 'events-entry-only-kernel-and-own-events',
      severity: 'error',
      comment:
        'libs/<context>/src/events.ts is what other contexts\' domain/ may import, so it may only re-export ' +
        'the kernel and its own context\'s domain/**/*.events.ts: importing anything more (a decider, the ' +
        'index.ts, a Nest module) would hand that to every importer and bypass domain purity.',
      from: { path: `^libs/(${CONTEXT})/src/events\\.ts$` },
      to: { pathNot: ['^libs/kernel/', '^libs/$1/src/domain/.+\\.events\\.ts$'] },
    },
    {
      name: 'no-deep-import-across-contexts',
      severity: 'error',
      comment:
        'A library is used from outside only through its public entry points: src/index.ts (@app/<lib>) or, ' +
        'for a context, src/events.ts (@app/<context>/events). Its other files are free to change.',
      from: { path: '^libs/([^/]+)/', pathNot: UNIT_TEST },
      to: { path: '^libs/[^/]+/src/', pathNot: ['^libs/$1/', PUBLIC_ENTRY] },
    },
    {
      name: 'apps-use-context-entry-points',
      severity: 'error',
      comment:
        'Apps compose libraries through @app/<lib> (src/index.ts) or @app/<context>/events (src/events.ts), ' +
        'never a file inside one.',
      from: { path: '^apps/', pathNot: UNIT_TEST },
      to: { path: '^libs/[^/]+/src/', pathNot: PUBLIC_ENTRY },
    },
    {
      name: 'infrastructure-libs-never-import-contexts',
      severity: 'error',
      comment:
        'libs/shared and libs/eventstore serve every context; importing one would make them depend on what ' +
        'depends on them, and every context would load that one.',
      from: { path: '^libs/(?:shared|eventstore)/', pathNot: UNIT_TEST },
      to: { path: `^libs/${CONTEXT}/` },
    },
    {
      name: 'libs-never-import-apps',
      severity: 'error',
      comment: 'Apps are the composition roots that assemble libraries; a library importing one inverts that.',
      from: { path: '^libs/', pathNot: UNIT_TEST },
      to: { path: '^apps/' },
    },
    {
      name: 'production-never-imports-tests',
      severity: 'error',
      comment: 'test/ is not built into the service: shipped code importing from it would break at run time.',
      from: { path: '^(?:apps|libs|migrations)/', pathNot: UNIT_TEST },
      to: { path: '^test/' },
    },
    {
      name: 'migrations-self-contained',
      severity: 'error',
      comment:
        'A migration is frozen once applied: it must produce the same schema in a year, whatever the code ' +
        'has become. So it imports only TypeORM\'s types, other migrations and at most the pure kernel, never ' +
        'an app, a context, shared, the event store or a test.',
      from: { path: '^migrations/' },
      to: { path: ['^(?:apps|test)/', '^libs/(?!kernel/)'] },
    },
  ],
  options: {
    // tsconfig.json covers apps, libs, migrations and test, with the @app/* aliases and jest's types.
    tsConfig: { fileName: 'tsconfig.json' },
    // Type-only imports count: a domain file must not even name a TypeORM type.
    tsPreCompilationDeps: true,
    doNotFollow: { path: 'node_modules' },
    // Resolve packages as Node does for our ESM imports (package.json "exports", "import" condition
    // first): some, like @gitbeaker/rest, have no "main" and are unresolvable otherwise.
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      mainFields: ['module', 'main', 'types', 'typings'],
    },
    exclude: { path: '^dist/' },
  },
};
