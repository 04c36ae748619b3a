// `npm test`: the type check (tsc --noEmit over lib, stacks, scripts and test) and jest run side by
// side, since jest only strips types; on 2 cores the two take about as long as the slower alone.
// Arguments go to jest: `npm test -- test/core`.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const run = (script, args) => new Promise((resolve) => {
  spawn(process.execPath, [require.resolve(script), ...args], { stdio: 'inherit' })
    .on('exit', (code, signal) => resolve(signal ? 1 : code ?? 1));
});
const [tsc, jest] = await Promise.all([
  run('typescript/bin/tsc', ['-p', 'tsconfig.json', '--noEmit']),
  run('jest/bin/jest', process.argv.slice(2)),
]);
if (tsc !== 0) console.error('type check failed');
process.exit(tsc !== 0 || jest !== 0 ? 1 : 0);
