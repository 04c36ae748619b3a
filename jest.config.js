/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  // Jest's default (cores - 1) is one worker on a 2-core machine: the suite then runs serially.
  maxWorkers: Math.max(2, require('os').availableParallelism() - 1),
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // The install tests (one pack, five scratch installs; the README's programs against them) run on
  // their own: `npm run test:packaging` (jest.packaging.config.js).
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/packaging/', '<rootDir>/test/readme/'],
  // Type checking is done once by `tsc --noEmit` in `npm test`; jest only strips the types, with
  // sucrase (pure JavaScript, no native binary per platform, several times faster than ts-jest).
  transform: { '^.+\\.ts$': '@sucrase/jest-plugin' },
  // Modules stay loaded from one test file to the next in a worker (scripts/jest-shared-runner.js).
  runner: '<rootDir>/scripts/jest-shared-runner.js',
  moduleFileExtensions: ['ts', 'js', 'json'],
};
