/** The layer table of DESIGN.md section 3, enforced in the test command. */
module.exports = {
  forbidden: [
    {
      name: 'domain-is-pure',
      comment: 'src/domain imports nothing outside src/domain: no framework, no I/O, no node: modules.',
      severity: 'error',
      from: { path: '^src/domain' },
      to: { pathNot: '^src/domain' },
    },
    {
      name: 'application-depends-on-domain-only',
      comment: 'src/application may import the domain, its own ports and the Nest/CQRS/rxjs libraries, not infrastructure or interfaces.',
      severity: 'error',
      from: { path: '^src/application' },
      to: { path: '^src/(infrastructure|interfaces)' },
    },
    {
      name: 'application-no-io-libraries',
      comment: 'I/O libraries belong to infrastructure.',
      severity: 'error',
      from: { path: '^src/application' },
      to: { path: 'node_modules/(better-sqlite3|ssh2|fastify|handlebars)' },
    },
    {
      name: 'infrastructure-not-interfaces',
      severity: 'error',
      from: { path: '^src/infrastructure' },
      to: { path: '^src/interfaces' },
    },
    {
      name: 'interfaces-use-buses-and-dtos-only',
      comment: 'Controllers, pages and the CLI talk to the application through the CommandBus/QueryBus: they may import commands, queries and read-model types from application, never infrastructure internals (except the composition root and the CLI bootstrap).',
      severity: 'error',
      from: { path: '^src/interfaces', pathNot: '^src/interfaces/(app\\.module|http/create-http-app|cli/cli-context)\\.ts$' },
      to: { path: '^src/infrastructure' },
    },
    {
      name: 'interfaces-not-domain-internals',
      comment: 'Interfaces see the domain only through application commands/queries (error codes are shared).',
      severity: 'error',
      from: { path: '^src/interfaces' },
      to: { path: '^src/domain', pathNot: '^src/domain/common/(error-codes|domain-error)\\.ts$' },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
  },
};
