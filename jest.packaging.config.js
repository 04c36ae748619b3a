/** @type {import('jest').Config} */
module.exports = {
  ...require('./jest.config'),
  // The install tests: the packed tarball installed as each kind of user installs it (test/packaging),
  // and the README's programs compiled and run against it (test/readme). One pack and one install per
  // kind, made by the global setup before any file runs and shared by all of them.
  testPathIgnorePatterns: ['/node_modules/'],
  roots: ['<rootDir>/test/packaging', '<rootDir>/test/readme'],
  globalSetup: '<rootDir>/test/packaging/global-setup.ts',
  globalTeardown: '<rootDir>/test/packaging/global-teardown.ts',
};
