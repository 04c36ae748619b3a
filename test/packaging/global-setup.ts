/**
 * Global setup of `npm run test:packaging`: one pack of the library and one install per kind of user
 * (scripts/installs.ts), side by side, before any test file runs; every test file (the install tests,
 * the README tests) uses these installs through sharedInstall. EGRESS_INSTALL_KINDS (comma-separated
 * kind names) limits the kinds installed, e.g. `cdktn` for the README tests under CDK Terrain.
 */
import { SHARED_INSTALLS_ENV, kindsNamed, prepareInstalls } from '../../scripts/installs';

export default async function globalSetup(): Promise<void> {
  const installs = await prepareInstalls(kindsNamed(process.env.EGRESS_INSTALL_KINDS));
  // Workers start after the global setup and inherit its environment.
  process.env[SHARED_INSTALLS_ENV] = JSON.stringify(installs);
}
