/** Global teardown of `npm run test:packaging`: removes the pack and the installs of the global setup. */
import { rmSync } from 'fs';
import { SHARED_INSTALLS_ENV, SharedInstalls } from '../../scripts/installs';

export default function globalTeardown(): void {
  const shared = process.env[SHARED_INSTALLS_ENV];
  if (shared) rmSync((JSON.parse(shared) as SharedInstalls).work, { recursive: true, force: true });
}
