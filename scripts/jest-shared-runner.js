/**
 * A jest runner that keeps loaded modules between test files. Jest's default runner gives every
 * test file a fresh module registry, so each of the suite's ~90 files loads cdktf, constructs and the
 * provider bindings again (about half a second of a core per file, most of the suite's time on two
 * cores). Here each worker process requires the test files with Node's own `require` (TypeScript
 * stripped by sucrase, as the default config's transform does), so those modules load once per
 * worker, as they do once in a user's app.
 *
 * What stays the same: jest-circus runs each file (describe/test/hooks, `-t`, timeouts, expect and
 * its messages, `jest.fn`/`jest.spyOn`), results and failures reach jest's reporters as usual.
 * What differs: no module mocks (`jest.mock`) and no per-file sandbox, so a test file must not leave
 * global state behind (restore spies and `process.env`). Nothing in the suite relies on either.
 *
 * One test file or `--runInBand` runs in jest's own process; otherwise `maxWorkers` child processes.
 */
'use strict';
const { Worker } = require('jest-worker');

const WORKER = require.resolve('./jest-shared-worker');

class SharedModulesRunner {
  constructor(globalConfig) {
    this.globalConfig = globalConfig;
  }

  async runTests(tests, _watcher, onStart, onResult, onFailure, options) {
    const serial = options.serial || tests.length <= 1 || this.globalConfig.maxWorkers <= 1;
    const runOne = async (test, run) => {
      await onStart(test);
      try {
        await onResult(test, await run(test));
      } catch (error) {
        await onFailure(test, { message: error.message, stack: error.stack });
      }
    };
    const job = (test) => ({ path: test.path, config: test.context.config, globalConfig: this.globalConfig });
    if (serial) {
      const worker = require(WORKER);
      for (const test of tests) await runOne(test, (t) => worker.run(job(t)));
      return;
    }
    const pool = new Worker(WORKER, {
      exposedMethods: ['run'],
      numWorkers: this.globalConfig.maxWorkers,
      forkOptions: { serialization: 'json', stdio: 'pipe' },
      idleMemoryLimit: this.globalConfig.workerIdleMemoryLimit,
      maxRetries: 0,
    });
    pool.getStdout().pipe(process.stdout);
    pool.getStderr().pipe(process.stderr);
    // As many files under way as there are workers, in jest's order (slowest known first).
    const queue = [...tests];
    const lane = async () => {
      for (let test = queue.shift(); test; test = queue.shift()) await runOne(test, (t) => pool.run(job(t)));
    };
    try {
      await Promise.all(Array.from({ length: this.globalConfig.maxWorkers }, lane));
    } finally {
      await pool.end();
    }
  }
}

module.exports = SharedModulesRunner;
