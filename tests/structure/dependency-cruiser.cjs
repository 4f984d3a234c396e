/**
 * DESIGN.md's "Source layout" as rules: `npm test` fails on an import that breaks
 * them (`npm run depcruise`). Dependencies point inward:
 *
 *                       app (UI)
 *            ┌──────┬─────┼─────┬─────────┐        sw (service worker)
 *            ▼      ▼     ▼     ▼         │              │
 *         devices  sync ─────► local      │              ▼
 *            │      │         │           ▼        sync, local
 *            │      │         │        workers           ...
 *            ▼      ▼         ▼           ▼
 *          protocol ────────► domain ◄── server (Node)
 *
 * domain and protocol run everywhere (page, workers, service worker, server), so
 * they use no Node built-in and no package but valibot. Browser code and server
 * code never import each other. tests/unit/dependency-rules.test.ts runs these
 * rules over tests/structure/fixture, a tree with one deliberate violation per
 * rule, so a rule that stops matching (a typo in a path) fails that test.
 *
 * @type {import('dependency-cruiser').IConfiguration}
 */

const browser = '^src/(app|local|sync|sw|workers|devices)/';
const layers = '^src/(domain|protocol|app|local|sync|sw|workers|devices|server)/';

module.exports = {
  forbidden: [
    {
      name: 'domain-imports-only-domain',
      comment: 'src/domain is the pure core every other layer builds on: it imports nothing of ours outside src/domain (a type it needs from protocol belongs in domain).',
      severity: 'error',
      from: { path: '^src/domain/' },
      to: { path: '^src/', pathNot: '^src/domain/' },
    },
    {
      name: 'protocol-imports-only-domain',
      comment: 'src/protocol is the wire, validated at both ends: it may import src/domain and nothing else of ours.',
      severity: 'error',
      from: { path: '^src/protocol/' },
      to: { path: '^src/', pathNot: '^src/(domain|protocol)/' },
    },
    {
      name: 'shared-code-uses-no-node-builtins',
      comment: 'src/domain and src/protocol run in the browser as well as on the server: no node: built-ins (no IO at all in domain).',
      severity: 'error',
      from: { path: '^src/(domain|protocol)/' },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'shared-code-uses-only-valibot',
      comment:
        'src/domain and src/protocol run everywhere and do no IO: of the packages, only valibot (schemas). Not dexie, preact or anything else tied to one environment; add a package here only if it is pure and runs everywhere.',
      severity: 'error',
      from: { path: '^src/(domain|protocol)/' },
      to: { path: '(^|/)node_modules/', pathNot: '(^|/)node_modules/valibot/' },
    },
    {
      name: 'server-imports-no-browser-code',
      comment: 'src/server is Node: of ours it imports src/server, src/domain and src/protocol only, never browser code (app, local, sync, sw, workers, devices).',
      severity: 'error',
      from: { path: '^src/server/' },
      to: { path: '^src/', pathNot: '^src/(server|domain|protocol)/' },
    },
    {
      name: 'server-imports-no-browser-packages',
      comment: 'src/server is Node: the browser-only packages (IndexedDB, UI, workers, service worker) are not for it.',
      severity: 'error',
      from: { path: '^src/server/' },
      to: { path: '(^|/)node_modules/(dexie|preact|@preact/[^/]+|comlink|workbox-[^/]+)/' },
    },
    {
      name: 'browser-imports-no-server-code',
      comment: 'Browser code (app, local, sync, sw, workers, devices) never imports src/server: it talks to the server over the protocol.',
      severity: 'error',
      from: { path: browser },
      to: { path: '^src/server/' },
    },
    {
      name: 'browser-uses-no-node-builtins',
      comment: 'Browser code (app, local, sync, sw, workers, devices) cannot use node: built-ins.',
      severity: 'error',
      from: { path: browser },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'browser-imports-no-server-packages',
      comment: 'Browser code (app, local, sync, sw, workers, devices) cannot use the server\'s Node-only packages.',
      severity: 'error',
      from: { path: browser },
      to: { path: '(^|/)node_modules/(better-sqlite3|sirv|tsx)/' },
    },
    {
      name: 'workers-import-only-shared-code',
      comment:
        'A worker entry is a thin expose() over src/domain (CONVENTIONS 7): of ours it imports src/workers, src/domain and src/protocol only, so worker code never pulls in the main bundle (src/app, and the Dexie of src/local).',
      severity: 'error',
      from: { path: '^src/workers/' },
      to: { path: '^src/', pathNot: '^src/(workers|domain|protocol)/' },
    },
    {
      name: 'nothing-imports-the-ui',
      comment: 'src/app (Preact UI) is the outermost layer: nothing else of ours imports it (sync and local also run in the service worker, which has no DOM).',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/app/' },
      to: { path: '^src/app/' },
    },
    {
      name: 'local-imports-only-shared-code',
      comment: 'src/local (the device\'s data: Dexie schema, repositories, outbox) is under sync and the UI: of ours it imports src/local, src/domain and src/protocol only.',
      severity: 'error',
      from: { path: '^src/local/' },
      to: { path: '^src/', pathNot: '^src/(local|domain|protocol)/' },
    },
    {
      name: 'no-circular',
      comment:
        'No import cycles, type-only ones included: a cycle means two modules that cannot be understood, tested or moved apart. Known, left for now: src/domain/events.ts (the event registry, imports the till payload schemas) and src/domain/till-session.ts (its report folds StoreEvent, type-only); moving the till report to its own module breaks it.',
      severity: 'error',
      from: {},
      to: { circular: true, via: { pathNot: '^src/domain/(events|till-session)\\.ts$' } },
    },
    {
      name: 'not-to-unresolvable',
      comment: 'An import dependency-cruiser cannot resolve matches no path rule above: it would escape them all.',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
    {
      name: 'src-folders-are-the-designed-layers',
      comment: 'Every folder of src is one of DESIGN.md\'s layers, which the rules above and the tsconfigs know; a new one is added to DESIGN.md, these rules and a tsconfig first.',
      severity: 'error',
      from: { path: '^src/', pathNot: layers },
      to: {},
    },
  ],
  options: {
    // Type-only imports count: a domain module taking a type from protocol is the layering broken all the same.
    tsPreCompilationDeps: true,
    doNotFollow: { path: '(^|/)node_modules/' },
  },
};
