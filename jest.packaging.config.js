/** @type {import('jest').Config} */
module.exports = {
  ...require('./jest.config'),
  // Only the install tests: the packed tarball installed as each kind of user installs it.
  testPathIgnorePatterns: ['/node_modules/'],
  roots: ['<rootDir>/test/packaging'],
};
