/**
 * The worker of scripts/jest-shared-runner.js: runs one test file with jest-circus in this process,
 * keeping every module it loaded for the next file. jest-circus itself (its state and event handlers)
 * is loaded anew for each file, so nothing of one file's tests reaches the next.
 */
'use strict';
const { dirname, join } = require('path');
const { performance } = require('perf_hooks');

const CIRCUS = dirname(require.resolve('jest-circus/package.json'));

let ready = false;
let jestObject;
function setUp() {
  if (ready) return;
  ready = true;
  // TypeScript as the default config's transform (@sucrase/jest-plugin) strips it: types only.
  require('sucrase/dist/register').addHook('.ts', { transforms: ['imports', 'typescript'], disableESTransforms: true });
  const { ModuleMocker } = require('jest-mock');
  const mocker = new ModuleMocker(globalThis);
  jestObject = {
    fn: mocker.fn.bind(mocker),
    spyOn: mocker.spyOn.bind(mocker),
    replaceProperty: mocker.replaceProperty.bind(mocker),
    isMockFunction: mocker.isMockFunction.bind(mocker),
    mocked: (x) => x,
    clearAllMocks: () => { mocker.clearAllMocks(); return jestObject; },
    resetAllMocks: () => { mocker.resetAllMocks(); return jestObject; },
    restoreAllMocks: () => { mocker.restoreAllMocks(); return jestObject; },
    setTimeout: (ms) => { require(join(CIRCUS, 'build', 'state.js')).getState().testTimeout = ms; return jestObject; },
  };
}

/** A fresh copy of jest-circus: its state and event handlers live in its modules. */
function freshCircus() {
  for (const file of Object.keys(require.cache)) {
    if (file.startsWith(CIRCUS + '/') && !file.includes('/node_modules/', CIRCUS.length)) delete require.cache[file];
  }
  return {
    adapter: require(join(CIRCUS, 'build', 'legacy-code-todo-rewrite', 'jestAdapterInit.js')),
    state: require(join(CIRCUS, 'build', 'state.js')),
  };
}

/** Error details the parent process can receive as JSON (assertion errors can hold cycles). */
const plain = (details) => (details ?? []).map((d) => (d instanceof Error || (d && typeof d === 'object')
  ? { message: d.message, stack: d.stack } : d));

async function run({ path: testPath, config, globalConfig }) {
  setUp();
  const start = performance.timeOrigin + performance.now();
  const { adapter, state } = freshCircus();
  const { snapshotState } = await adapter.initialize({
    config,
    environment: { global: globalThis },
    globalConfig,
    localRequire: require,
    parentProcess: process,
    sendMessageToJest: undefined,
    setGlobalsForRuntime: () => {},
    testPath,
  });
  globalThis.jest = jestObject;
  let result;
  try {
    for (const setup of config.setupFilesAfterEnv) require(setup);
    delete require.cache[testPath];
    require(testPath);
    result = await adapter.runAndTransformResultsToJestFormat({ config, globalConfig, testPath });
  } catch (error) {
    await state.dispatch({ name: 'teardown' });
    throw error;
  } finally {
    delete require.cache[testPath];
  }
  for (const r of result.testResults) {
    if (r.status === 'pending' || r.status === 'failed') snapshotState.markSnapshotsAsCheckedForTest(r.fullName);
  }
  const saved = snapshotState.save();
  const end = performance.timeOrigin + performance.now();
  return {
    ...result,
    testResults: result.testResults.map((r) => ({ ...r, failureDetails: plain(r.failureDetails) })),
    perfStats: {
      start, end, runtime: Math.round(end - start), slow: (end - start) / 1000 > config.slowTestThreshold,
      loadTestEnvironmentStart: start, loadTestEnvironmentEnd: start, setupAfterEnvStart: start, setupAfterEnvEnd: start,
    },
    snapshot: {
      ...result.snapshot, fileDeleted: saved.deleted, added: snapshotState.added, matched: snapshotState.matched,
      unmatched: snapshotState.unmatched, updated: snapshotState.updated, unchecked: saved.deleted ? 0 : snapshotState.getUncheckedCount(),
      uncheckedKeys: [...snapshotState.getUncheckedKeys()],
    },
  };
}

module.exports = { run };
