/** One test command runs every suite: unit (*.spec.ts), integration (*.int.spec.ts) and e2e (*.e2e.spec.ts). */
// NestJS 12 ships only ES modules; the tests are CommonJS (ts-jest) and load it through Jest's own
// require(esm), which needs Node >= 24.9 started with --experimental-vm-modules (vm.SourceTextModule).
// Without it every suite that touches Nest fails with "Must use import to load ES Module": say so once.
const vm = require('node:vm');
if (typeof vm.SourceTextModule?.prototype?.hasAsyncGraph !== 'function') {
  throw new Error(
    'The tests load NestJS 12 (ES modules) through require(esm): run Jest on Node >= 24.9 with ' +
      'NODE_OPTIONS=--experimental-vm-modules (`source tools/node24/use-node24.sh` and `npm test` set it)',
  );
}

module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.spec.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.test.json' }] },
  setupFiles: ['reflect-metadata'],
  globalSetup: '<rootDir>/test/support/global-setup.js',
  testTimeout: 60000,
  maxWorkers: 2,
  // the default report, then a digest of every failure that a CI log cut to its tail still shows
  reporters: ['default', '<rootDir>/test/support/failure-digest-reporter.js'],
};
